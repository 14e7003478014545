from django.contrib import admin
from django.urls import include, path

from mcs_admin import health, views
from mcs_admin.compliance import ComplianceDashboard
from mcs_admin.receiving import scanned_copy

portal = (
    [
        path("", views.home, name="home"),
        path("login/", views.Login.as_view(), name="login"),
        path("logout/", views.Logout.as_view(), name="logout"),
        path("facilities/", views.FacilityList.as_view(), name="facilities"),
        path("me/", views.MyRecord.as_view(), name="me"),
        path("me/pledge.pdf", views.MyPledge.as_view(), name="my_pledge"),
        path("roster/", views.Roster.as_view(), name="roster"),
        path("roster.<str:fmt>", views.roster_download, name="roster_download"),
        path("forms/<int:number>/blank.pdf", views.blank_form, name="blank_form"),
        path("compliance/", ComplianceDashboard.as_view(), name="compliance"),
    ],
    "portal",
)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("account/", include("mcs_admin.account_urls")),
    path("scans/<path:name>", scanned_copy, name="scanned-copy"),
    path("", include(portal)),
    path("f/<int:facility>/", include("facilities.urls")),
    path("f/<int:facility>/", include("pledges.urls")),
    path("", include("devices.urls")),
    path("", include("groups.urls")),
]

handler500 = "mcs_admin.health.server_error"
