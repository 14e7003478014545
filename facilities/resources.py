"""The facilities' spreadsheets: the registry of facilities, and the roster of their staff
with MCS IDs and administrators (独自ルール 2), columns as on the forms (様式1)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from facilities import services
from facilities.models import Facility, McsAccount, StaffMember
from facilities.sheet_fields import ProfessionWidget
from mcs_admin import normalize
from mcs_admin.choices import Gender, Profession
from mcs_admin.sheet_fields import (
    ChoiceWidget,
    DateWidget,
    FullNameField,
    MarkWidget,
    SheetField,
    TextWidget,
    cell_text,
)
from mcs_admin.sheet_resources import SheetResource

READING = pgettext_lazy("spreadsheet column of a name's reading", "reading")


class FacilityResource(SheetResource):
    key_fields = ["name"]
    required_fields = ["category"]

    name_kana = SheetField(aliases=[READING])
    category = SheetField(aliases=[gettext_lazy("kind")])
    address = SheetField(
        aliases=[gettext_lazy("facility address"), gettext_lazy("facility location")]
    )
    phone = SheetField(aliases=[gettext_lazy("facility phone")])

    class Meta:
        model = Facility
        fields = [
            "name",
            "name_kana",
            "category",
            "postal_code",
            "address",
            "phone",
            "fax",
            "email",
            "manager_name",
            "status",
            "applied_on",
            "joined_on",
            "left_on",
        ]

    def lookup(self, row):
        name = normalize.text(cell_text(row[self.fields["name"].column_name]))
        return Facility.objects.filter(name=name) if name else None


# The staff member's MCS ID, as the columns of the roster name it.
ACCOUNT_COLUMNS = {
    "mcs_login_id": "login_id",
    "mcs_status": "status",
    "mcs_requested_on": "requested_on",
    "mcs_issued_on": "issued_on",
    "mcs_deleted_on": "deleted_on",
    "mcs_password_changed_on": "password_changed_on",
}
APPOINTMENT_COLUMNS = ["is_administrator", "administrator_since"]


def roster_values(person: StaffMember) -> dict:
    """The MCS ID and appointment of a staff member, as the roster's columns show them.

    The ID shown is the open one, else the latest; the appointment the open one at the staff
    member's facility. Reads prefetched `mcs_accounts` and `appointments` when there are.
    """
    account = appointment = None
    if person.pk is not None:
        accounts = sorted(person.mcs_accounts.all(), key=lambda a: a.pk)
        open_accounts = [a for a in accounts if a.status != McsAccount.Status.DELETED]
        account = (open_accounts or accounts or [None])[-1]
        appointment = next(
            (
                a
                for a in person.appointments.all()
                if a.ended_on is None and a.facility_id == person.facility_id
            ),
            None,
        )
    values = {
        column: getattr(account, name) if account else (None if "_on" in name else "")
        for column, name in ACCOUNT_COLUMNS.items()
    }
    values["is_administrator"] = appointment is not None
    values["administrator_since"] = appointment.started_on if appointment else None
    return values


def account_errors(error: ValidationError) -> dict:
    """An MCS ID's errors under the roster's columns (the ID's own problems under its login id)."""
    columns = {name: column for column, name in ACCOUNT_COLUMNS.items()}
    return {
        columns.get(name, "mcs_login_id"): messages
        for name, messages in error.update_error_dict({}).items()
    }


class RosterField(SheetField):
    """A column of the staff member's MCS ID or appointment rather than of the person."""

    def __init__(self, header, *, widget, aliases=(), keep_if_blank=True):
        super().__init__(header, widget=widget, aliases=aliases, keep_if_blank=keep_if_blank)

    @staticmethod
    def values(instance) -> dict:
        if not hasattr(instance, "_roster"):
            instance._roster_stored = roster_values(instance)
            instance._roster = dict(instance._roster_stored)
        return instance._roster

    def get_value(self, instance):
        return self.values(instance)[self.attribute]

    def save(self, instance, row, is_m2m=False, **kwargs):
        value = self.clean(row, **kwargs)
        if not self.keeps(value, instance):
            self.values(instance)[self.attribute] = value


class StaffMemberResource(SheetResource):
    """Staff, each with their MCS ID and whether they are an MCS administrator.

    A row names a staff member by 事業所名 and e-mail address or, failing that, by 氏名 (of
    someone with no e-mail address yet). Blank MCS ID cells leave the ID as it is: an import
    never deletes an ID (deletion is an ID request).
    """

    key_fields = ["full_name", "facility"]
    required_fields = ["profession"]

    facility = SheetField(gettext_lazy("facility name"))
    profession = SheetField(widget=ProfessionWidget(Profession.choices))
    full_name = FullNameField(
        gettext_lazy("full name"), family="family_name", given="given_name", given_required=True
    )
    gender = SheetField(
        widget=ChoiceWidget(
            Gender.choices,
            aliases={
                Gender.MALE: [pgettext_lazy("gender, one letter", "M")],
                Gender.FEMALE: [pgettext_lazy("gender, one letter", "F")],
            },
        )
    )
    full_name_kana = FullNameField(
        gettext_lazy("full name (kana)"),
        family="family_name_kana",
        given="given_name_kana",
        given_required=False,
        aliases=[READING],
    )
    mcs_login_id = RosterField(
        gettext_lazy("MCS login id"), widget=TextWidget(), aliases=[gettext_lazy("MCS ID")]
    )
    mcs_status = RosterField(
        gettext_lazy("ID status"), widget=ChoiceWidget(McsAccount.Status.choices)
    )
    mcs_requested_on = RosterField(gettext_lazy("ID requested on"), widget=DateWidget())
    mcs_issued_on = RosterField(gettext_lazy("ID issued on"), widget=DateWidget())
    mcs_deleted_on = RosterField(gettext_lazy("ID deleted on"), widget=DateWidget())
    mcs_password_changed_on = RosterField(
        gettext_lazy("MCS password last changed on"), widget=DateWidget()
    )
    is_administrator = RosterField(
        gettext_lazy("MCS administrator"), widget=MarkWidget(), keep_if_blank=False
    )
    administrator_since = RosterField(gettext_lazy("MCS administrator since"), widget=DateWidget())

    class Meta:
        model = StaffMember
        fields = [
            "facility",
            "profession",
            "full_name",
            "full_name_kana",
            "gender",
            "email",
            "address",
            "joined_on",
            "left_on",
            *ACCOUNT_COLUMNS,
            *APPOINTMENT_COLUMNS,
        ]

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("facility").prefetch_related("mcs_accounts", "appointments")

    def lookup(self, row):
        found = self.fields["facility"].widget.find(row[self.fields["facility"].column_name])
        if len(found) != 1:
            return None
        staff = self._staff_of(found[0])
        email = normalize.email(self._cell(row, "email")).upper()
        same_email = [person for person in staff if email and person.email.upper() == email]
        if same_email:
            return same_email
        family, given = normalize.split_full_name(self._cell(row, "full_name"))
        same_name = [p for p in staff if (p.family_name, p.given_name) == (family, given)]
        return [p for p in same_name if not p.email] if email else same_name

    def before_import(self, dataset, **kwargs):
        """The facilities the file names and their staff, read in two queries rather than two
        per facility: a prefecture's roster names thousands."""
        super().before_import(dataset, **kwargs)
        # New staff, their new IDs and appointments: written at once after the last row
        self._new_people: list[StaffMember] = []
        self._new_accounts: list[McsAccount] = []
        self._new_administrators: list[tuple[StaffMember, date | None]] = []
        self._new_login_ids: dict[str, int] = {}  # login id → the row that gives it
        # the deleted login ids, read once rather than once per row; read again by the rows
        # after one that changes a registered person (it may change an ID)
        self._deletions = services.login_id_deletions()
        field = self.fields["facility"]
        if field.column_name not in dataset.headers:
            return
        field.widget.find_all(dataset[field.column_name])
        facilities = {
            found[0].pk: found[0]
            for found in map(field.widget.find, dataset[field.column_name])
            if len(found) == 1
        }
        self._staff = {pk: [] for pk in facilities}
        for person in StaffMember.objects.filter(facility__in=facilities).order_by("pk"):
            person.facility = facilities[person.facility_id]
            self._staff[person.facility_id].append(person)

    def _staff_of(self, facility) -> list[StaffMember]:
        """The facility's staff, read once per import (then kept up to date by the import)."""
        if not hasattr(self, "_staff"):
            self._staff = {}
        if facility.pk not in self._staff:
            self._staff[facility.pk] = list(facility.staff.order_by("pk"))
        return self._staff[facility.pk]

    def _cell(self, row, name: str) -> str:
        return cell_text(row.get(self.fields[name].column_name))

    def after_init_instance(self, instance, new, row, **kwargs):
        RosterField.values(instance)  # read before the row changes them

    def skip_row(self, instance, original, row, import_validation_errors=None):
        person_fields = [f for f in self.get_import_fields() if not isinstance(f, RosterField)]
        instance._person_changed = any(
            f.get_value(instance) != f.get_value(original) for f in person_fields
        )
        return super().skip_row(instance, original, row, import_validation_errors)

    def do_instance_save(self, instance, is_create):
        if is_create:
            self._new_people.append(instance)  # see after_import
        elif instance._person_changed:  # no empty history entry for an ID change
            super().do_instance_save(instance, is_create)

    def _workflow_changes(self, instance) -> dict:
        """A registered person's first leaving date in the file marks them as left through the
        leaver service (the checklist, their ID's deletion asked, their groups left); any other
        change of it is refused."""
        stored = getattr(instance, "_stored_workflow", {}).get("left_on")
        if instance.pk is not None and stored is None and instance.left_on is not None:
            instance._leaving_on, instance.left_on = instance.left_on, None
        return super()._workflow_changes(instance)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            super().validate_instance(instance, errors, validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict({})
        if self._account_changed(instance) and not errors.keys() & ACCOUNT_COLUMNS.keys():
            try:  # the ID's problems now, with the person's, not after the person is saved
                account = services.mcs_account_check(
                    staff_member=instance,
                    **self._account(instance),
                    deletions=getattr(self, "_deletions", None),
                )
            except ValidationError as error:
                errors.update(account_errors(error))
            else:
                instance._new_account = account
                errors.update(self._login_id_given_before(account))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _open_login_id(account) -> str:
        """The login id no other open ID may share (login_id_unique_among_open), or ""."""
        return "" if account.status == McsAccount.Status.DELETED else account.login_id

    def _login_id_given_before(self, account) -> dict:
        """An earlier row's new ID, not yet written, with the same login id (the database's
        constraint would refuse only the whole file, after the last row)."""
        earlier = self._new_login_ids.get(self._open_login_id(account))
        if earlier is None:
            return {}
        message = _("Row %(row)d gives the same MCS login id.") % {"row": earlier}
        return {"mcs_login_id": [message]}

    @staticmethod
    def _account_changed(instance) -> bool:
        wanted, stored = instance._roster, instance._roster_stored
        return any(wanted[column] != stored[column] for column in ACCOUNT_COLUMNS)

    @staticmethod
    def _account(instance) -> dict:
        return {name: instance._roster[column] for column, name in ACCOUNT_COLUMNS.items()}

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        staff = self._staff_of(instance.facility)
        if instance not in staff:  # a later row may name the person this row created
            staff.append(instance)
        wanted, stored, user = instance._roster, instance._roster_stored, kwargs.get("user")
        if instance.pk is None:  # new: written with its ID and appointment in after_import
            if self._account_changed(instance):
                account = instance._new_account
                self._new_accounts.append(account)
                if login_id := self._open_login_id(account):
                    self._new_login_ids[login_id] = self._row
            if wanted["is_administrator"]:
                self._new_administrators.append((instance, wanted["administrator_since"]))
            return
        self._deletions = None
        if self._account_changed(instance):
            try:
                services.mcs_account_record(
                    staff_member=instance, **self._account(instance), user=user
                )
            except ValidationError as error:
                raise ValidationError(account_errors(error)) from None
        if leaving_on := getattr(instance, "_leaving_on", None):
            try:
                services.staff_mark_left(staff_member=instance, by=user, left_on=leaving_on)
            except ValidationError as error:
                raise ValidationError({"left_on": error.messages}) from None
            instance.left_on = leaving_on  # as the preview shows it
        if any(wanted[column] != stored[column] for column in APPOINTMENT_COLUMNS):
            try:
                services.administrator_record(
                    staff_member=instance,
                    appointed=wanted["is_administrator"],
                    started_on=wanted["administrator_since"],
                    user=user,
                )
            except ValidationError as error:
                raise ValidationError({"is_administrator": error.messages}) from None

    def after_import(self, dataset, result, **kwargs):
        """Writes the new staff, validated row by row, in a few statements: one by one, each
        took a dozen queries. A file with a bad row is rolled back whole, so it writes none."""
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return
        services.staff_record_new(
            people=self._new_people,
            accounts=self._new_accounts,
            administrators=self._new_administrators,
            user=kwargs.get("user"),
        )

    def describe(self, instance):
        return _("%(name)s (%(facility)s)") % {
            "name": instance.full_name,
            "facility": instance.facility.name,
        }
