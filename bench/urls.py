"""The application's pages and a baseline: one row read by primary key, a tiny template."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from mcs_admin.models import User
from office.policy import ACCESS, Access, Page

TEMPLATE = engines["django"].from_string("<p>{{ user.username }} {{ user.last_login }}</p>")


def baseline(request):
    return HttpResponse(TEMPLATE.render({"user": User.objects.get(pk=request.user.pk)}))


# every page declares who may open it (office/policy.py): the baseline too, for the center
ACCESS["bench_baseline"] = Page(Access.CENTER)
urlpatterns = [
    path("bench/baseline/", baseline, name="bench_baseline"),
    path("", include("mcs_admin.urls")),
]
