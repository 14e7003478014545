from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class McsAdminConfig(AppConfig):
    name = "mcs_admin"
    verbose_name = _("Association")

    def ready(self):
        from django.core.signals import request_started
        from django.db.models.signals import post_save
        from django.utils.module_loading import autodiscover_modules

        from mcs_admin import checks, login_flow  # noqa: F401 — registers checks, connects signals
        from mcs_admin.dates import forget_style
        from mcs_admin.models import AssociationProfile
        from mcs_admin.text_rules import apply_to_models

        request_started.connect(forget_style, dispatch_uid="dates.forget_style")
        post_save.connect(forget_style, sender=AssociationProfile, dispatch_uid="dates.profile")
        apply_to_models()  # no control characters in any model's text (mcs_admin/text_rules.py)
        autodiscover_modules("pdf")  # each app's printed forms (mcs_admin.pdf.PRINTED_FORMS)
