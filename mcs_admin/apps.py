from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class McsAdminConfig(AppConfig):
    name = "mcs_admin"
    verbose_name = _("Association")
