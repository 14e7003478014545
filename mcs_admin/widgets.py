from django import forms


class DateInput(forms.DateInput):
    """A date picked from the browser's calendar (every self-service form's dates)."""

    input_type = "date"
