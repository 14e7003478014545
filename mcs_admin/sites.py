from functools import partial

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from mcs_admin.roles import model_name

# The registry first, in the order the office works through it; logins and roles last.
APP_ORDER = ["facilities", "pledges", "care_groups", "consents", "devices", "mcs_admin", "auth"]


class McsAdminSite(admin.AdminSite):
    """The support center's admin, its apps and models in the order of work, not alphabetical."""

    site_header = site_title = _("MCS administration office")
    index_title = _("Registry")
    # the index is one click away (the header); the lists need the width for their actions
    enable_nav_sidebar = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def has_permission(self, request):
        """Staff who passed both factors (the middleware already keeps others to those steps)."""
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        """One login page for the whole system: the self-service one, with its second factor."""
        from django.contrib.auth.views import redirect_to_login  # needs the apps loaded

        user = request.user
        if user.is_authenticated and user.is_verified() and not self.has_permission(request):
            # a facility's login, fully logged in: the admin is the support center's
            raise PermissionDenied
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"))

    def get_app_list(self, request, app_label=None):
        """Built when read: every admin page's context asks for it (`available_apps`, for the
        nav sidebar, which is off), and only the index pages read it (7 ms a page)."""
        return SimpleLazyObject(partial(self._ordered_app_list, request, app_label))

    def _ordered_app_list(self, request, app_label):
        app_order = [*APP_ORDER, *(c.label for c in apps.get_app_configs())]
        model_order = [model._meta.object_name for model in self._registry]
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            app["models"].sort(key=lambda m: model_order.index(m["object_name"]))
            if app["app_label"] == "auth":  # beside the patient groups: say which groups
                app["name"] = _("Roles of the center's logins")
                for model in app["models"]:
                    model["name"] = model_name(model["model"], plural=True)
        return sorted(app_list, key=lambda app: app_order.index(app["app_label"]))

    def add_page(self, route: str, view, *, name: str) -> None:
        """A page of the center's beside the models' (receiving forms, disclosure), added by the
        app that owns it; `view(request, site)` runs behind the admin's login check."""
        self._pages.append((route, view, name))

    def get_urls(self):
        pages = [
            path(route, self.admin_view(partial(view, site=self)), name=name)
            for route, view, name in self._pages
        ]
        return [*pages, *super().get_urls()]


class McsAdminSiteConfig(AdminConfig):
    default_site = "mcs_admin.sites.McsAdminSite"
