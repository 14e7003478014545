from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from facilities.selectors import facilities_for, own_staff_member
from mcs_admin.pages import first_rows
from mcs_admin.roles import is_center
from office.notices import facility_notices


def role(request):
    """Who is logged in and as what, shown on every page (第11条(4)(5): logout is one click)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    person = own_staff_member(user)
    center = is_center(user)
    administered = None
    if not center:  # on a facility's pages, its own, which the policy has read
        administered = getattr(request, "facility", None) or facilities_for(user).first()
    if center:
        label = _("Support center")
    elif administered is not None:
        label = _("MCS administrator, %(facility)s") % {"facility": administered}
    elif person is not None:
        label = _("User, %(facility)s") % {"facility": person.facility}
    else:
        label = _("No role")
    return {
        "role_label": label,
        "display_name": person.full_name if person else (user.get_full_name() or user.username),
        "is_center": center,
        "home_facility": administered,
        "own_staff_member": person,
    }


NOTICE_ROWS = 5


def notices(request):
    """The unread notices of the facility in the URL, for its dashboard: read only where a
    template shows them (one query), so the other pages pay nothing."""
    facility = getattr(request, "facility", None)
    if facility is None:
        return {}

    def unread():
        receipts = facility_notices(request.user, facility).filter(read_at__isnull=True)
        return first_rows(receipts, NOTICE_ROWS)

    return {"unread_notices": SimpleLazyObject(unread)}
