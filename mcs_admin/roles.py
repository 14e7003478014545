"""The roles of DESIGN §4, and whether a facility's login may still be used."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# the apps whose records the support center keeps, and its role groups' permissions are of
CENTER_APPS = ["mcs_admin", "facilities", "pledges", "care_groups", "consents", "devices", "auth"]
ACTIONS = {
    "add": _("permission to add"),
    "change": _("permission to change"),
    "delete": _("permission to delete"),
    "view": _("permission to view"),
}

STOPPED = _(
    "This login can no longer be used: its staff member has left, its facility's use of MCS is "
    "suspended or its use is restricted. Ask your facility's MCS administrator or the support "
    "center."
)


def model_name(model, plural: bool = False) -> str:
    """A kind of record by the name the admin gives it. Django's groups are the center's role
    groups: beside the patient groups, "グループ" alone would say neither."""
    if model._meta.label == "auth.Group":
        return str(_("Role groups") if plural else _("role group"))
    return str(model._meta.verbose_name_plural if plural else model._meta.verbose_name)


def permission_label(permission) -> str:
    """A permission as the admin names its records: 事業所・ID | 職員 | 追加, never "Can add …"."""
    model = permission.content_type.model_class()
    if model is None:
        return gettext(permission.name)
    action, _sep, named = permission.codename.partition("_")
    what = ACTIONS[action] if action in ACTIONS and named == model._meta.model_name else None
    app = model._meta.app_config.verbose_name
    return " | ".join(
        str(part) for part in (app, model_name(model), what or gettext(permission.name))
    )


def is_center(user) -> bool:
    """Support-center staff: the admin's users. They see everything, and write only in the admin."""
    return user.is_authenticated and user.is_active and user.is_staff


def may_log_in(user) -> bool:
    """A facility's login works while its person has not left, its facility is neither
    suspended nor withdrawn, and its current (not deleted) MCS ID is not restricted or banned.

    Asked at the password and again on every request (mcs_admin.login_flow), in one query on
    indexed keys, so a stop made by any path — a service, an import, a database fix — ends the
    session at its next request. A login with no staff member (the center) is not stopped.
    """
    from django.db.models import Q

    from facilities.models import Facility, McsAccount, StaffMember

    stopped = (
        Q(left_on__isnull=False)
        | Q(facility__status__in=[Facility.Status.SUSPENDED, Facility.Status.WITHDRAWN])
        | Q(mcs_accounts__status__in=[McsAccount.Status.RESTRICTED, McsAccount.Status.BANNED])
    )
    return not StaffMember.objects.filter(stopped, user=user).exists()
