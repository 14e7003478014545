from django.urls import path

from facilities import application_views as views

app_name = "apply"

urlpatterns = [
    path("<str:token>/", views.ApplyForm.as_view(), name="form"),
    path("<str:token>/submitted/", views.ApplySubmitted.as_view(), name="submitted"),
    path("<str:token>/forms.pdf", views.ApplyFormsPdf.as_view(), name="forms_pdf"),
]
