from django.urls import path

from mcs_admin import account_views as views

app_name = "account"

urlpatterns = [
    path("two-factor/", views.Verify.as_view(), name="verify"),
    path("two-factor/enrol/", views.Enrol.as_view(), name="enrol"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("password/reset/", views.PasswordReset.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDone.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetComplete.as_view(),
        name="password_reset_complete",
    ),
]
