"""The policy's versions (附則): recorded by the center when the association amends it."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mcs_admin.history import save_by
from mcs_admin.models import PolicyVersion, User
from mcs_admin.pdf import PRINTED_FORMS
from mcs_admin.roles import is_center

# What a version's change may touch: the day and the wordings are what pledges were signed under.
POLICY_VERSION_FIELDS = ["label", "notes"]

# The policy's 附則 as it stands (migration 0015 wrote the same rows): 第1条 施行, 第2条 一部変更;
# neither changed the forms' wording.
SUPPLEMENTARY_PROVISIONS = [
    (datetime.date(2016, 8, 1), "平成28年8月1日施行", "附則第1条: この規程の施行。"),
    (datetime.date(2017, 1, 27), "平成29年1月27日一部変更", "附則第2条: 一部変更。"),
]


def policy_versions_seed() -> PolicyVersion:
    """The 附則's versions where a database was emptied (a test's flush, the demo), as the
    migration records them; returns the one in force."""
    for effective_on, label, notes in SUPPLEMENTARY_PROVISIONS:
        PolicyVersion.objects.get_or_create(
            effective_on=effective_on, defaults={"label": label, "notes": notes}
        )
    return PolicyVersion.current()


def _require_center(by: User) -> None:
    if not is_center(by):
        raise PermissionDenied(_("Only the support center may do this."))


def _wordings_check(version: PolicyVersion) -> None:
    """A wording must ship with the system as a template of the form (never invented here)."""
    errors = {}
    for number in (2, 3):
        wording = version.wording(number)
        if wording not in PRINTED_FORMS[number].templates():
            errors[f"form{number}_wording"] = _(
                "No template of this wording of form %(number)d ships with the system."
            ) % {"number": number}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def policy_version_record(
    *,
    effective_on: datetime.date,
    label: str,
    by: User,
    notes: str = "",
    form2_wording: int = 1,
    form3_wording: int = 1,
) -> PolicyVersion:
    """A version of the policy as the association amended it (附則), in force from its day."""
    _require_center(by)
    version = PolicyVersion(
        effective_on=effective_on,
        label=label,
        notes=notes,
        form2_wording=form2_wording,
        form3_wording=form3_wording,
    )
    version.full_clean()
    _wordings_check(version)
    save_by(version, by)
    return version


@transaction.atomic
def policy_version_update(*, version: PolicyVersion, by: User, **fields) -> PolicyVersion:
    """Correct a version's label or notes (`POLICY_VERSION_FIELDS`, only those given)."""
    unknown = set(fields) - set(POLICY_VERSION_FIELDS)
    if unknown:
        raise TypeError(f"PolicyVersion does not change {', '.join(sorted(unknown))}")
    _require_center(by)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    for name, value in fields.items():
        setattr(version, name, value)
    version.full_clean()
    save_by(version, by)
    return version
