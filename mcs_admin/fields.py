"""Model fields that normalise what is typed (DESIGN §6) before they validate it.

Normalisation runs in `to_python`, which `full_clean()` calls: admin forms, services and
imports all store the same form of a value.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mcs_admin import normalize


class NormalizedCharField(models.CharField):
    """A name or address: NFKC, white space folded."""

    normalizer = staticmethod(normalize.text)
    error_message = ""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return self.normalizer(value)
        except ValueError:
            raise ValidationError(self.error_message, code="invalid") from None


class KanaField(NormalizedCharField):
    normalizer = staticmethod(normalize.kana)
    error_message = _("Enter the reading in katakana (or hiragana).")


class PostalCodeField(NormalizedCharField):
    normalizer = staticmethod(normalize.postal_code)
    error_message = _("Enter a postal code of seven digits, such as 341-0011 or 3410011.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 8)
        super().__init__(*args, **kwargs)


class PhoneField(NormalizedCharField):
    normalizer = staticmethod(normalize.phone)
    error_message = _(
        "Enter a phone number of 10 or 11 digits starting with 0, such as 048-123-4567."
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)


class EmailField(models.EmailField):
    def to_python(self, value):
        value = super().to_python(value)
        return normalize.email(value) if value else value


def actor(verbose_name) -> models.ForeignKey:
    """Who did a step of a workflow (approved, handled, confirmed …): a login, kept even when
    the login is deactivated."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
