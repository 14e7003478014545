from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class McsAdminConfig(AppConfig):
    name = "mcs_admin"
    verbose_name = _("Association")

    def ready(self):
        from mcs_admin import login_flow  # noqa: F401 — connects the login signals
        from mcs_admin.text_rules import apply_to_models

        apply_to_models()  # no control characters in any model's text (mcs_admin/text_rules.py)
