"""Control characters never reach the database (issue 16): one rule for every text input.

The rule: text holds no control character (Unicode's Cc: U+0000–U+001F, U+007F–U+009F), except
tab and line breaks in a multi-line field (a model's TextField, a form's Textarea). Nobody types
one; they come with text pasted from other programs, or from an attacker, and they break what
reads the data later (a backup's XML, a CSV, a PDF, a terminal).

Where the one validator applies, and why there:

- Every CharField and TextField of every model (`apply_to_models`, when the apps are ready):
  the project's, and Django's and the packages' that the admin edits too (a role group's name),
  so that `full_clean()` refuses such text on every path that writes a model: the admin's and
  the self-service pages' model forms, the spreadsheet imports (their resources call it for
  each row) and the services (which call it before each save). Given at startup, not as
  `validators=[...]` in each field's declaration: that would be a migration of every text
  field, and a new field could forget it.
- Every form of the project is a `NoControlCharacters` form, which gives the same validator to
  each of its text fields, so that text of a form that is no model's (the login name, a reason,
  the note of an identity check) is refused beside its field before it reaches a service,
  django-axes or the access log. Password fields are left alone: a password is only hashed,
  never stored or shown, and a rule on its characters would be a composition rule.
- What django-axes and the access log keep of a request beyond its form (headers, other
  parameters: evidence of an attack) is written with its control characters made `visible`,
  never refused: evidence is kept.

tests/mcs_admin/test_text_rules.py walks every model's text fields and every form of the project.
"""

import re
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, LF, CR allowed
_NAMES = {"\t": _("tab"), "\n": _("line break"), "\r": _("line break")}


def control_characters(value: str, *, multiline: bool) -> list[str]:
    """The characters of `value` the rule refuses, each once, in order of appearance."""
    pattern = _CONTROL_BUT_LINES if multiline else _CONTROL
    return list(dict.fromkeys(pattern.findall(value)))


def visible(value: str, *, multiline: bool = False) -> str:
    """`value` with each refused character written out (`\\x01`): for records that keep what an
    attacker sent rather than refuse it."""
    pattern = _CONTROL_BUT_LINES if multiline else _CONTROL
    return pattern.sub(lambda match: f"\\x{ord(match[0]):02x}", value)


@deconstructible
class ControlCharacterValidator:
    code = "control_characters"
    message = _(
        "This text contains a character that cannot be kept (%(characters)s): an invisible "
        "character, such as comes with text pasted from another program. Delete it and enter "
        "the text again."
    )

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value):
        found = control_characters(str(value), multiline=self.multiline)
        if found:
            names = ", ".join(str(_NAMES.get(c, f"U+{ord(c):04X}")) for c in found)
            raise ValidationError(self.message, code=self.code, params={"characters": names})

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and self.multiline == other.multiline


def _give(field, *, multiline: bool) -> None:
    validator = ControlCharacterValidator(multiline=multiline)
    if validator not in field.validators:
        field.validators.append(validator)


def project_app_configs():
    """The apps of this checkout (not Django's nor a package's)."""
    return [c for c in apps.get_app_configs() if Path(c.path).parent == settings.BASE_DIR]


def apply_to_models() -> None:
    """Give the validator to every text field of every model (McsAdminConfig.ready)."""
    for model in apps.get_models():
        for field in model._meta.fields:
            if isinstance(field, models.CharField | models.TextField):
                _give(field, multiline=isinstance(field, models.TextField))


class NoControlCharacters:
    """A form (mixed in before Form, ModelForm or a Django form) whose text fields refuse
    control characters beside the field; a Textarea allows tab and line breaks."""

    def full_clean(self):
        # here, not in __init__: a field that a subclass adds after its super().__init__ counts
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(
                field.widget, forms.PasswordInput
            ):
                _give_form_field(field)
        super().full_clean()


def _give_form_field(field: forms.CharField) -> None:
    # Django's form fields refuse U+0000 with a message of their own: the rule's says it once
    null = ProhibitNullCharactersValidator
    field.validators = [v for v in field.validators if not isinstance(v, null)]
    _give(field, multiline=isinstance(field.widget, forms.Textarea))
