"""The 405 page in the site's layout: Django's views answer a method they do not take with an
empty body (a blank page), where 400, 403 and 404 have their templates."""

from django.template.loader import render_to_string


class MethodNotAllowedPage:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
