from django import forms
from django.utils.translation import gettext_lazy as _

from mcs_admin.text_rules import NoControlCharacters
from mcs_admin.widgets import DateInput


class PasswordChangedForm(NoControlCharacters, forms.Form):
    changed_on = forms.DateField(label=_("MCS password changed on"), widget=DateInput())
