from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    """The support center's work across the apps: the access policy and log, the reports,
    reminders, the compliance dashboard, the portal and login administration. Its models keep
    the app label they were made under (`mcs_admin`), so it has no models of its own."""

    name = "office"
    verbose_name = _("Support center")
