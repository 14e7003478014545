from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("Facilities and IDs")

    def ready(self):
        from facilities.selectors import login_stopped
        from mcs_admin.roles import LOGIN_STOPS

        LOGIN_STOPS.append(login_stopped)
