from django import forms
from django.utils.translation import gettext_lazy as _

from facilities.models import Category
from mcs_admin.text_rules import NoControlCharacters
from mcs_admin.widgets import DateInput
from office.models import Notice


class PasswordChangedForm(NoControlCharacters, forms.Form):
    changed_on = forms.DateField(label=_("MCS password changed on"), widget=DateInput())


class NoticeForm(NoControlCharacters, forms.ModelForm):
    """A notice as the center writes it: its categories (独自ルール 9) as checkboxes."""

    categories = forms.TypedMultipleChoiceField(
        label=_("categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a notice to facilities of the chosen categories (独自ルール 9)."),
    )

    class Meta:
        model = Notice
        fields = ["title", "body", "attachment", "audience", "categories", "facilities"]
        widgets = {"attachment": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})}
