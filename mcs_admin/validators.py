from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    """第11条(3): a password mixes letters and digits (英数混合)."""

    def validate(self, password, user=None):
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(
                _("The password must contain both letters and digits."), code="password_no_mix"
            )

    def get_help_text(self):
        return _("Your password must contain both letters and digits.")
