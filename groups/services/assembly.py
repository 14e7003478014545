"""独自ルール 5: the support center helps assemble a group's members on a physician's
instruction. The group's attending physician, or a physician of its owning facility who runs
the group, asks from the group's page; the center marks the request done, or declines it with
a note, from its queue in the admin."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilities.selectors import own_staff_member, require_center
from groups.models import AssemblyRequest, CareGroup
from groups.selectors import groups_managed_by
from groups.services.memberships import locked_group
from mcs_admin.choices import Profession
from mcs_admin.history import save_by
from mcs_admin.models import User

NOT_A_PHYSICIAN = gettext_lazy(
    "Only the group's attending physician, or a physician of its owning facility who runs the "
    "group, can ask the support center to assemble its members (独自ルール 5)."
)


def may_request_assembly(user: User, group: CareGroup) -> bool:
    """独自ルール 5: the request is a physician's instruction: the group's attending physician,
    or a physician of the owning facility who runs the group."""
    person = own_staff_member(user)
    if person is None or person.profession != Profession.PHYSICIAN:
        return False
    if group.attending_physician_id == person.pk:
        return True
    return (
        person.facility_id == group.owner_id
        and groups_managed_by(user).filter(pk=group.pk).exists()
    )


@transaction.atomic
def assembly_request(*, group: CareGroup, note: str, by: User) -> AssemblyRequest:
    if not may_request_assembly(by, group):
        raise PermissionDenied(NOT_A_PHYSICIAN)
    group = locked_group(group)
    if group.assembly_requests.filter(status=AssemblyRequest.Status.OPEN).exists():
        raise ValidationError(_("This group already has an open assembly request."))
    request = AssemblyRequest(group=group, requested_by=own_staff_member(by), note=note.strip())
    request.full_clean()
    save_by(request, by)
    return request


def _decide(request: AssemblyRequest, status: str, note: str, by: User) -> AssemblyRequest:
    require_center(by)
    request = AssemblyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AssemblyRequest.Status.OPEN:
        raise ValidationError(
            _("This request is already “%(status)s”.") % {"status": request.get_status_display()}
        )
    request.status = status
    request.decision_note = note.strip()
    request.decided_at = timezone.now()
    request.decided_by = by
    request.full_clean()
    save_by(request, by)
    return request


@transaction.atomic
def assembly_done(*, request: AssemblyRequest, by: User, note: str = "") -> AssemblyRequest:
    """The center invited the members wanted (in MCS, and here through the invitations)."""
    return _decide(request, AssemblyRequest.Status.DONE, note, by)


@transaction.atomic
def assembly_decline(*, request: AssemblyRequest, reason: str, by: User) -> AssemblyRequest:
    """The center cannot help with it; the note says why, for the physician."""
    if not reason.strip():
        raise ValidationError({"decision_note": _("Say why the request is declined.")})
    return _decide(request, AssemblyRequest.Status.DECLINED, reason, by)
