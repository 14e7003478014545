import getpass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mcs_admin.pdf import PRINTED_FORMS, print_form


class Command(BaseCommand):
    help = (
        "Print one of the forms 様式1–4 as PDF: filled in for the records given by id, "
        "or blank. Each print is recorded in the access log."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "form", type=int, choices=sorted(PRINTED_FORMS), help="the form's number"
        )
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--pk", type=int, nargs="+", metavar="N", help="id(s) of the record(s) to print"
        )
        which.add_argument("--blank", action="store_true", help="a blank form to fill by hand")
        parser.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")

    def handle(self, *args, form, pk, blank, out, **options):
        printed_form = PRINTED_FORMS[form]
        records = None
        if not blank:
            found = printed_form.queryset().in_bulk(pk)
            missing = [str(n) for n in pk if n not in found]
            if missing:
                raise CommandError(
                    _("No %(model)s has the id %(ids)s.")
                    % {"model": printed_form.model._meta.verbose_name, "ids": ", ".join(missing)}
                )
            records = [found[n] for n in pk]
        try:
            pdf = print_form(
                form=printed_form,
                records=records,
                user=None,
                username=f"{getpass.getuser()} (manage.py print_form)",
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        out.write_bytes(pdf)
        self.stdout.write(_("Wrote %(file)s.") % {"file": out})
