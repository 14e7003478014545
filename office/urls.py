from django.urls import include, path

from office import manual_views, notice_views, views
from office.compliance import ComplianceDashboard
from office.receiving import scanned_copy

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
        path("help/", manual_views.HelpIndex.as_view(), name="help"),
        path("help/manual.pdf", manual_views.help_pdf, name="help_pdf"),
        path("help/images/<str:name>", manual_views.help_image, name="help_image"),
        path(
            "help/<str:part>/<slug:slug>/", manual_views.HelpChapter.as_view(), name="help_chapter"
        ),
    ],
    "portal",
)

# the notices from the center, among the facility's own pages
notices = (
    [
        path("notices/", notice_views.NoticeList.as_view(), name="notices"),
        path("notices/<int:pk>/", notice_views.NoticeDetail.as_view(), name="notice_detail"),
        path("notices/<int:pk>/read/", notice_views.NoticeConfirm.as_view(), name="notice_read"),
    ],
    "notices",
)

urlpatterns = [
    path("scans/<path:name>", scanned_copy, name="scanned-copy"),
    path("", include(portal)),
    path("f/<int:facility>/", include(notices)),
]
