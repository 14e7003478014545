from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from mcs_admin.receiving import scanned_copy

urlpatterns = [
    path("admin/", admin.site.urls),
    path("scans/<path:name>", scanned_copy, name="scanned-copy"),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
