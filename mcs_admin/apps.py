from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class McsAdminConfig(AppConfig):
    name = "mcs_admin"
    verbose_name = _("Association")

    def ready(self):
        from mcs_admin import login_flow  # noqa: F401 — connects the login signals
