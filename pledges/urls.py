from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("pledges/", views.Pledges.as_view(), name="pledges"),
    path("training/", views.Training.as_view(), name="training"),
]
