"""Who may open which self-service page (DESIGN §4), declared in one table.

Every URL of the self-service namespaces is listed in ACCESS with the rule it needs; the
middleware refuses any URL that is not (deny by default). What a login may see inside a page
comes from each app's selectors: an object outside them answers 404, as if it did not exist;
a page the login's role has no use for answers 403. Support-center staff may read any
facility's and group's pages (to help on the telephone) but write only through the admin.
"""

from enum import Enum

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from facilities.selectors import facilities_for, own_staff_member
from groups.selectors import groups_managed_by
from mcs_admin.roles import is_center

SELF_SERVICE_NAMESPACES = {"portal", "facility", "groups", "devices", "pledges"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class Access(Enum):
    PUBLIC = "public"  # the login page
    ANY = "any"  # any login: home, logout
    CENTER = "center"  # support-center staff only
    FACILITY = "facility"  # the MCS administrators of the facility in the URL; the center reads
    GROUP = "group"  # those who run the group in the URL for its owner; the center reads
    USER = "user"  # an ID holder's own pages


ACCESS = {
    "portal:login": Access.PUBLIC,
    "portal:logout": Access.ANY,
    "portal:home": Access.ANY,
    "portal:facilities": Access.CENTER,
    "portal:me": Access.USER,
    "portal:my_pledge": Access.USER,
    "portal:roster": Access.CENTER,
    "portal:roster_download": Access.CENTER,
    "portal:blank_form": Access.ANY,
    "facility:dashboard": Access.FACILITY,
    "facility:staff_list": Access.FACILITY,
    "facility:staff_add": Access.FACILITY,
    "facility:staff_detail": Access.FACILITY,
    "facility:staff_edit": Access.FACILITY,
    "facility:staff_leave": Access.FACILITY,
    "facility:staff_request": Access.FACILITY,
    "facility:staff_restrict": Access.FACILITY,
    "facility:staff_reinstate": Access.FACILITY,
    "facility:id_requests": Access.FACILITY,
    "facility:id_request_step": Access.FACILITY,
    "facility:id_notice": Access.FACILITY,
    "facility:application_print": Access.FACILITY,
    "facility:roster_review": Access.FACILITY,
    "facility:roster_entry_confirm": Access.FACILITY,
    "facility:leaves": Access.FACILITY,
    "facility:leave_item_close": Access.FACILITY,
    "facility:leave_reminder": Access.FACILITY,
    "pledges:pledges": Access.FACILITY,
    "pledges:training": Access.FACILITY,
    "pledges:facility_pledge_print": Access.FACILITY,
    "pledges:staff_pledge_print": Access.FACILITY,
    "pledges:staff_pledge_prepare": Access.FACILITY,
    "pledges:manager_change": Access.FACILITY,
    "pledges:staff_pledge_exempt": Access.FACILITY,
    "pledges:training_add": Access.FACILITY,
    "devices:device_list": Access.FACILITY,
    "devices:device_add": Access.FACILITY,
    "devices:device_edit": Access.FACILITY,
    "devices:device_retire": Access.FACILITY,
    "devices:device_recover": Access.FACILITY,
    "devices:carry_out_list": Access.FACILITY,
    "devices:carry_out_acknowledge": Access.FACILITY,
    "devices:incident_list": Access.FACILITY,
    "devices:incident_detail": Access.FACILITY,
    "devices:my_devices": Access.USER,
    "devices:my_carry_outs": Access.USER,
    "devices:carry_out_file": Access.USER,
    "devices:incident_report": Access.USER,
    "groups:group_list": Access.FACILITY,
    "groups:group_add": Access.FACILITY,
    "groups:staff_invitations": Access.FACILITY,
    "groups:invitation_approve": Access.FACILITY,
    "groups:invitation_cancel": Access.FACILITY,
    "groups:group_detail": Access.GROUP,
    "groups:group_invite": Access.GROUP,
    "groups:group_consent": Access.GROUP,
    "groups:consent_print": Access.GROUP,
    "groups:member_remove": Access.GROUP,
    "groups:member_role": Access.GROUP,
    "groups:group_archive": Access.GROUP,
    "groups:my_invitations": Access.USER,
    "groups:invitation_accept": Access.USER,
    "groups:invitation_decline": Access.USER,
    "groups:my_groups": Access.USER,
    "groups:group_review": Access.GROUP,
    "groups:review_decide": Access.GROUP,
    "groups:review_complete": Access.GROUP,
    "groups:group_transfer": Access.GROUP,
    "groups:transfer_cancel": Access.GROUP,
    "groups:group_reopen": Access.GROUP,
    "groups:consent_withdraw": Access.GROUP,
    "groups:transfers": Access.FACILITY,
    "groups:transfer_approve": Access.FACILITY,
    "groups:transfer_refuse": Access.FACILITY,
    "groups:my_group_leave": Access.USER,
    "groups:attended_groups": Access.USER,
    "groups:leak_remove": Access.USER,
    "groups:designations": Access.GROUP,
    "groups:designation_end": Access.GROUP,
    "groups:attended_designations": Access.USER,
    "groups:attended_designation_end": Access.USER,
    "devices:carry_out_return": Access.FACILITY,
    "devices:my_carry_out_return": Access.USER,
    "devices:incident_actions": Access.FACILITY,
    "devices:incident_close": Access.FACILITY,
    "portal:compliance": Access.CENTER,
}


def check_access(request, url_name: str, kwargs: dict):
    """None to go on, or the response that stops the request. Sets `request.facility` or
    `request.group` to the object of the URL, found through the login's selectors."""
    rule = ACCESS.get(url_name)
    if rule is None:
        raise PermissionDenied("This page declares no access rule.")
    user = request.user
    if rule is Access.PUBLIC:
        return None
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    center = is_center(user)
    if rule is Access.CENTER and not center:
        raise PermissionDenied
    if rule is Access.USER and own_staff_member(user) is None:
        raise PermissionDenied
    if rule is Access.FACILITY:
        visible = facilities_for(user)
        if not center and not visible.exists():
            raise PermissionDenied
        request.facility = get_object_or_404(visible, pk=kwargs["facility"])
    if rule is Access.GROUP:
        managed = groups_managed_by(user)
        if not center and not managed.exists():
            raise PermissionDenied
        request.group = get_object_or_404(
            managed.select_related("owner", "patient"), pk=kwargs["group"]
        )
    if center and rule in (Access.FACILITY, Access.GROUP) and request.method not in SAFE_METHODS:
        raise PermissionDenied
    return None


class AccessMiddleware:
    """Applies ACCESS to every self-service URL before its view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match.namespace not in SELF_SERVICE_NAMESPACES:
            return None
        return check_access(request, f"{match.namespace}:{match.url_name}", view_kwargs)
