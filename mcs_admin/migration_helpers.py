"""Data-migration steps that several apps' migrations share."""

from django.utils import timezone


def backfill_document_numbers(app_label: str, forms: dict[str, int]):
    """A RunPython step giving each existing row of `forms` (model name → form) its number.

    The number is issued as `DocumentNumber.objects.issue` does; the row's earlier history
    gets it too, so the history does not show the number appearing in a later change.
    """

    def backfill(apps, schema_editor):
        numbers = apps.get_model("mcs_admin", "DocumentNumber")
        for model_name, form_number in forms.items():
            model = apps.get_model(app_label, model_name)
            history = apps.get_model(app_label, f"historical{model_name}")
            for pk in (
                model.objects.filter(document_number="").order_by("pk").values_list("pk", flat=True)
            ):
                row = numbers.objects.create(form_number=form_number)
                year = timezone.localtime(row.issued_at).year
                number = f"F{form_number}-{year}-{row.pk:05d}"
                model.objects.filter(pk=pk).update(document_number=number)
                history.objects.filter(id=pk).update(document_number=number)

    return backfill
