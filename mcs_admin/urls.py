"""The site's addresses. The apps are named by their urls modules, so the ground imports none
of them: the office's portal and the domain apps' self-service pages."""

from django.contrib import admin
from django.urls import include, path

from mcs_admin import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("account/", include("mcs_admin.account_urls")),
    path("", include("office.urls")),
    path("f/<int:facility>/", include("facilities.urls")),
    path("apply/", include("facilities.application_urls")),
    path("", include("pledges.urls")),  # the facility's pages, and an ID holder's own pledge
    path("", include("devices.urls")),
    path("", include("groups.urls")),
]

handler500 = "mcs_admin.health.server_error"
