"""The roles of DESIGN §4, and whether a facility's login may still be used."""

from collections.abc import Callable

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# the apps whose records the support center keeps, and its role groups' permissions are of
CENTER_APPS = [
    "mcs_admin",
    "facilities",
    "pledges",
    "care_groups",
    "consents",
    "devices",
    "auth",
    "office",  # the notices to the facilities
]
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


def granted_ids(user, perm: str, klass) -> list[int]:
    """The ids of the `klass` records on which a login holds `perm` (guardian's per-object
    permission, granted to logins only, never to groups), read once per login object as Django
    keeps a login's permissions (`_perm_cache`): a request reads the grants once and each of
    its queries names a few ids instead of planning guardian's subquery again. A grant or a
    revocation shows from the next request (a new login object) on."""
    from guardian.shortcuts import get_objects_for_user  # it needs the apps, loaded after this

    granted = user.__dict__.setdefault("_granted_ids", {})
    if perm not in granted:
        granted[perm] = list(
            get_objects_for_user(
                user,
                perm,
                klass=klass,
                accept_global_perms=False,
                with_superuser=False,
                # without the OR of the groups' grants, the planner expects a few records,
                # not three quarters of the prefecture
                use_groups=False,
            ).values_list("pk", flat=True)
        )
    return granted[perm]


def is_center(user) -> bool:
    """Support-center staff: the admin's users. They see everything, and write only in the admin."""
    return user.is_authenticated and user.is_active and user.is_staff


# What stops a login, added by the app that keeps it (facilities: the person left, the facility
# is suspended, the ID is restricted); each check answers in one query on indexed keys.
LOGIN_STOPS: list[Callable[[object], bool]] = []


def may_log_in(user) -> bool:
    """A login works while no app's check stops it.

    Asked at the password and again on every request (mcs_admin.login_flow), so a stop made by
    any path — a service, an import, a database fix — ends the session at its next request.
    """
    return not any(stopped(user) for stopped in LOGIN_STOPS)
