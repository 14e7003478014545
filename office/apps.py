from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    """The support center's work across the apps: the access policy and log, the reports,
    reminders, the compliance dashboard, the portal and login administration. Its older model
    keeps the app label it was made under (`mcs_admin`); the dashboard's figures are its own."""

    name = "office"
    verbose_name = _("Support center")

    def ready(self):
        from office import figures

        figures.connect()  # the domain's changes reach the compliance figures (office.figures)
