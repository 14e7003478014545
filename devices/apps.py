from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = _("Devices and incidents")

    def ready(self):
        from devices.selectors import retention_stopped
        from mcs_admin.access_retention import RETENTION_STOPS

        RETENTION_STOPS.append(retention_stopped)
