"""The application's pages and a baseline: one row read by primary key, a tiny template."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from mcs_admin.models import User

TEMPLATE = engines["django"].from_string("<p>{{ user.username }} {{ user.last_login }}</p>")


def baseline(request):
    return HttpResponse(TEMPLATE.render({"user": User.objects.get(pk=request.user.pk)}))


urlpatterns = [path("bench/baseline/", baseline), path("", include("mcs_admin.urls"))]
