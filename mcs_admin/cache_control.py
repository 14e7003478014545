"""No page or download of the system stays in a browser's cache (a clinic's shared PC keeps what
it caches after the logout): every response the application makes says `no-store, private`.

Every response, not only a logged-in login's: a page without a login can carry personal data
too (a password-reset link's page), the login page gains nothing from a cache, and one rule
leaves no page out by mistake. Static files do not pass through here (the web server serves
them; `runserver` serves them before the middleware).
"""

from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
