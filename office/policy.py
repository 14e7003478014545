"""Who may open which page and whose records it shows (DESIGN §4, §6), declared per URL.

Every URL is declared: the self-service pages, the downloads and the login's steps in ACCESS,
the admin's in ADMIN_PAGES and through its models (`declaration`). A declaration drives both
the access check (`AccessMiddleware`, which refuses a URL that declares nothing) and the
access log (`office.access_audit.AccessLogMiddleware`, which records the records a page
declared it shows). What a login may see inside a page
comes from each app's selectors: an object outside them answers 404, as if it did not exist;
a page the login's role has no use for answers 403. Support-center staff may read any
facility's and group's pages (to help on the telephone) but write only through the admin.
"""

from dataclasses import dataclass
from enum import Enum, Flag, auto

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import ResolverMatch
from django.utils.translation import gettext as _

from facilities.models import IdRequest
from facilities.selectors import (
    LinkClosed,
    administered_facility_ids,
    facilities_for,
    invitation_by_link,
    own_staff_member,
)
from groups.models import CareGroup
from groups.selectors import groups_managed_by
from mcs_admin.admin_base import VerifySignedAdmin
from mcs_admin.documents import scanned_document
from mcs_admin.models import AccessLog, User
from mcs_admin.rate_limit import over_limit
from mcs_admin.roles import is_center
from mcs_admin.services import access_log_record
from office.shown import (
    APPLICANT,
    PATIENT,
    STAFF,
    Records,
    admin_records,
    autocomplete_results,
    form_choices,
    in_context,
    joined,
    people_held,
    printed,
)

SELF_SERVICE_NAMESPACES = {"portal", "facility", "groups", "devices", "pledges", "notices"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# requests of one client address to the application links: plenty to fill in a roster, too few
# to try tokens (which are 256 random bits anyway)
LINK_REQUESTS, LINK_WINDOW_SECONDS = 60, 600


class Access(Enum):
    PUBLIC = "public"  # the login page, a password reset (its token is the view's to check)
    ANY = "any"  # any login: home, logout
    CENTER = "center"  # support-center staff only
    FACILITY = "facility"  # the MCS administrators of the facility in the URL; the center reads
    GROUP = "group"  # those who run the group in the URL for its owner; the center reads
    USER = "user"  # an ID holder's own pages
    ADMIN = "admin"  # the admin site's own check: center staff with the model's permission
    LINK = "link"  # anyone holding a valid application link: that link's application only


class Shows(Flag):
    """Whose records a page shows: what the access log keeps of a view (DESIGN §6)."""

    NOTHING = 0
    PATIENTS = auto()
    STAFF = auto()
    APPLICANTS = auto()  # the people on an application's roster (様式1)


PEOPLE = Shows.PATIENTS | Shows.STAFF
SHOWN_AS = {PATIENT: Shows.PATIENTS, STAFF: Shows.STAFF, APPLICANT: Shows.APPLICANTS}


@dataclass(frozen=True)
class Page:
    """One URL's declaration: who may open it, whose records it shows and where on the page
    the log finds them."""

    access: Access
    shows: Shows = Shows.NOTHING
    records: Records | None = None

    def __post_init__(self):
        if (self.shows is Shows.NOTHING) != (self.records is None):
            raise ValueError("A page that shows people says where they are, and only then.")


# where the records are on pages of a kind
LISTED = in_context("object_list")
SUBJECT = in_context("subject")
THE_GROUP = in_context("group")
DESIGNATIONS = joined(in_context("group", "designations"), form_choices("staff_member"))
STAFF_RECORD = in_context(
    "person",
    "accounts",
    "pledges",
    "requests",
    "memberships",
    "devices",
    "trainings",
    "appointments",
)

ACCESS = {
    "portal:login": Page(Access.PUBLIC),
    "portal:logout": Page(Access.ANY),
    "portal:home": Page(Access.ANY),
    "portal:facilities": Page(Access.CENTER),
    "portal:me": Page(Access.USER, Shows.STAFF, in_context("person", "account")),
    "portal:my_pledge": Page(Access.USER, Shows.STAFF, printed),
    "portal:roster": Page(Access.CENTER, Shows.STAFF, in_context("object_list.holders")),
    "portal:roster_download": Page(Access.CENTER, Shows.STAFF, printed),
    "portal:blank_form": Page(Access.ANY),
    "facility:dashboard": Page(
        Access.FACILITY,
        PEOPLE,
        # the unreturned forms name a staff pledge's person, a consent's group by number
        in_context("sections.*.rows", "unreturned.rows.record.staff_member"),
    ),
    "facility:staff_list": Page(Access.FACILITY, Shows.STAFF, LISTED),
    "facility:staff_add": Page(Access.FACILITY),
    "facility:staff_detail": Page(Access.FACILITY, PEOPLE, STAFF_RECORD),
    "facility:staff_edit": Page(Access.FACILITY, Shows.STAFF, SUBJECT),
    "facility:staff_leave": Page(Access.FACILITY, Shows.STAFF, SUBJECT),
    "facility:staff_request": Page(Access.FACILITY, Shows.STAFF, SUBJECT),
    "facility:staff_restrict": Page(Access.FACILITY, Shows.STAFF, SUBJECT),
    "facility:staff_reinstate": Page(Access.FACILITY),
    "facility:id_requests": Page(Access.FACILITY, Shows.STAFF, LISTED),
    "facility:id_request_step": Page(Access.FACILITY),
    "facility:id_notice": Page(Access.FACILITY, Shows.STAFF, printed),
    "facility:application_print": Page(Access.FACILITY, Shows.APPLICANTS, printed),
    "facility:roster_review": Page(Access.FACILITY, Shows.STAFF, in_context("entries")),
    "facility:roster_entry_confirm": Page(Access.FACILITY),
    "facility:leaves": Page(Access.FACILITY, Shows.STAFF, LISTED),
    "facility:roster_download": Page(Access.FACILITY, Shows.STAFF, printed),
    "facility:consultations": Page(Access.FACILITY),
    "facility:consultation_add": Page(Access.FACILITY),
    "facility:leave_item_close": Page(Access.FACILITY),
    "facility:leave_reminder": Page(Access.FACILITY, Shows.STAFF, in_context("leave")),
    "pledges:pledges": Page(Access.FACILITY, Shows.STAFF, LISTED),
    "pledges:training": Page(
        Access.FACILITY, Shows.STAFF, in_context("sessions.facility_attendees", "staff")
    ),
    "pledges:facility_pledge_print": Page(Access.FACILITY),
    "pledges:staff_pledge_print": Page(Access.FACILITY, Shows.STAFF, printed),
    "pledges:staff_pledge_prepare": Page(Access.FACILITY),
    "pledges:staff_pledge_sign": Page(Access.FACILITY, Shows.STAFF, SUBJECT),
    "pledges:my_pledge_sign": Page(Access.USER, Shows.STAFF, SUBJECT),
    # the download records itself (`pledges.pdf.signed_pledge_response`), as a print does
    "pledges:my_pledge_signed": Page(Access.USER, Shows.STAFF, printed),
    "pledges:manager_change": Page(Access.FACILITY),
    "pledges:staff_pledge_exempt": Page(Access.FACILITY, Shows.STAFF, SUBJECT),
    "pledges:training_add": Page(Access.FACILITY, Shows.STAFF, form_choices("attendees")),
    "pledges:training_edit": Page(Access.FACILITY, Shows.STAFF, form_choices("attendees")),
    "devices:device_list": Page(Access.FACILITY, Shows.STAFF, LISTED),
    "devices:device_add": Page(Access.FACILITY, Shows.STAFF, form_choices("assigned_to")),
    "devices:device_edit": Page(Access.FACILITY, Shows.STAFF, form_choices("assigned_to")),
    "devices:device_retire": Page(Access.FACILITY),
    "devices:device_recover": Page(Access.FACILITY),
    "devices:carry_out_list": Page(Access.FACILITY, Shows.STAFF, LISTED),
    "devices:carry_out_acknowledge": Page(Access.FACILITY),
    "devices:incident_list": Page(Access.FACILITY, Shows.STAFF, LISTED),
    "devices:incident_detail": Page(Access.FACILITY, Shows.STAFF, in_context("incident")),
    "devices:my_devices": Page(Access.USER, Shows.STAFF, LISTED),
    "devices:my_carry_outs": Page(Access.USER, Shows.STAFF, LISTED),
    "devices:carry_out_file": Page(Access.USER),
    "devices:incident_report": Page(Access.USER),
    "devices:my_incidents": Page(Access.USER, Shows.STAFF, LISTED),
    "groups:group_list": Page(Access.FACILITY, PEOPLE, LISTED),
    "groups:group_add": Page(Access.FACILITY, Shows.STAFF, form_choices("attending_physician")),
    "groups:staff_invitations": Page(
        Access.FACILITY, PEOPLE, in_context("object_list", "object_list.group.attending_physician")
    ),
    "groups:invitation_approve": Page(Access.FACILITY),
    "groups:invitation_cancel": Page(Access.FACILITY),
    "groups:group_detail": Page(
        Access.GROUP,
        PEOPLE,
        in_context("group", "memberships", "consents", "assembly_requests"),
    ),
    "groups:group_invite": Page(
        Access.GROUP, PEOPLE, joined(THE_GROUP, form_choices("staff_member"))
    ),
    "groups:group_consent": Page(
        Access.GROUP, PEOPLE, joined(THE_GROUP, form_choices("obtained_by"))
    ),
    "groups:consent_print": Page(Access.GROUP, Shows.PATIENTS, printed),
    # signing on the screen: the attending physician's or a designated person's own pages
    "groups:consent_sign": Page(Access.USER, PEOPLE, joined(THE_GROUP, form_choices("device"))),
    "groups:consent_signed": Page(Access.USER, PEOPLE, joined(THE_GROUP, in_context("signature"))),
    "groups:consent_signed_copy": Page(Access.USER, PEOPLE, admin_records(CareGroup, "group")),
    "groups:member_remove": Page(Access.GROUP),
    "groups:assembly_request": Page(Access.GROUP, PEOPLE, THE_GROUP),
    "groups:member_role": Page(Access.GROUP),
    "groups:group_archive": Page(Access.GROUP, PEOPLE, THE_GROUP),
    "groups:my_invitations": Page(
        Access.USER,
        PEOPLE,
        in_context(
            "object_list", "object_list.group.attending_physician", "object_list.invited_by"
        ),
    ),
    "groups:invitation_accept": Page(Access.USER),
    "groups:invitation_decline": Page(Access.USER),
    "groups:my_groups": Page(Access.USER, PEOPLE, in_context("object_list", "consents_to_obtain")),
    "groups:group_review": Page(Access.GROUP, PEOPLE, in_context("group", "pending", "decided")),
    "groups:review_decide": Page(Access.GROUP),
    "groups:review_complete": Page(Access.GROUP),
    "groups:group_transfer": Page(Access.GROUP, PEOPLE, THE_GROUP),
    "groups:transfer_cancel": Page(Access.GROUP),
    "groups:group_reopen": Page(Access.GROUP, PEOPLE, THE_GROUP),
    "groups:consent_withdraw": Page(Access.GROUP, PEOPLE, in_context("group", "leaving")),
    "groups:transfers": Page(Access.FACILITY, Shows.PATIENTS, LISTED),
    "groups:transfer_approve": Page(Access.FACILITY),
    "groups:transfer_refuse": Page(Access.FACILITY),
    "groups:my_group_leave": Page(Access.USER),
    "groups:attended_groups": Page(
        Access.USER, PEOPLE, in_context("object_list", "object_list.open_members")
    ),
    "groups:leak_remove": Page(Access.USER),
    "groups:attended_assembly_request": Page(Access.USER, PEOPLE, THE_GROUP),
    "groups:designations": Page(Access.GROUP, PEOPLE, DESIGNATIONS),
    "groups:designation_end": Page(Access.GROUP),
    "groups:attended_designations": Page(Access.USER, PEOPLE, DESIGNATIONS),
    "groups:attended_designation_end": Page(Access.USER),
    "devices:carry_out_return": Page(Access.FACILITY),
    "devices:my_carry_out_return": Page(Access.USER),
    "devices:incident_actions": Page(Access.FACILITY, Shows.STAFF, in_context("form.instance")),
    "devices:incident_close": Page(Access.FACILITY),
    "portal:compliance": Page(Access.CENTER),
    # the operations manual: each login reads its role's part (office.manual.parts_for)
    "portal:help": Page(Access.ANY),
    "portal:help_chapter": Page(Access.ANY),
    "portal:help_image": Page(Access.ANY),
    "portal:help_pdf": Page(Access.ANY),
    # the center's notices to the facility; a read one names the administrator who confirmed it
    "notices:notices": Page(Access.FACILITY, Shows.STAFF, in_context("object_list.read_by")),
    "notices:notice_detail": Page(Access.FACILITY, Shows.STAFF, in_context("receipt.read_by")),
    "notices:notice_read": Page(Access.FACILITY),
    "healthz": Page(Access.PUBLIC),
    "scanned-copy": Page(Access.ANY, PEOPLE, scanned_document),
    "account:verify": Page(Access.ANY),
    "account:enrol": Page(Access.ANY),
    "account:password_change": Page(Access.ANY),
    "account:password_reset": Page(Access.PUBLIC),
    "account:password_reset_done": Page(Access.PUBLIC),
    "account:password_reset_confirm": Page(Access.PUBLIC),
    "account:password_reset_complete": Page(Access.PUBLIC),
    "apply:form": Page(Access.LINK),  # the applicant's own entries, not yet anyone's record
    "apply:submitted": Page(Access.LINK, Shows.APPLICANTS, in_context("application")),
    "apply:forms_pdf": Page(Access.LINK, Shows.APPLICANTS, printed),
}

# The admin's pages beyond the lists, records, histories and deletions of its models (those
# are declared by `shown.PEOPLE_OF`, below): the admin site checks who may open them.
ADMIN = Page(Access.ADMIN)
ADMIN_PAGES = {
    "admin:index": ADMIN,
    "admin:app_list": ADMIN,
    "admin:login": ADMIN,
    "admin:logout": ADMIN,
    "admin:password_change": ADMIN,
    "admin:password_change_done": ADMIN,
    "admin:auth_user_password_change": Page(Access.ADMIN, Shows.STAFF, admin_records(User, "id")),
    "admin:jsi18n": ADMIN,
    "admin:view_on_site": ADMIN,
    "admin:autocomplete": Page(Access.ADMIN, PEOPLE, autocomplete_results),
    "admin:receive_documents": Page(Access.ADMIN, PEOPLE, in_context("record")),
    "admin:disclosure": Page(Access.ADMIN, PEOPLE, in_context("person")),
    # the forms name their facility, a staff pledge its person, a consent its group's number
    "admin:unreturned_forms": Page(
        Access.ADMIN, Shows.STAFF, in_context("rows.record.staff_member")
    ),
    # counts only, no one's record; its PDF and XLSX are logged as a print and an export
    "admin:council_report": ADMIN,
    "admin:mcs_admin_user_create_for_staff": ADMIN,
    "admin:mcs_admin_user_reset_second_factor": Page(
        Access.ADMIN, Shows.STAFF, admin_records(User)
    ),
    "admin:mcs_admin_accesslog_export": Page(Access.ADMIN, Shows.STAFF, printed),
    "admin:mcs_admin_accesslog_report": Page(
        Access.ADMIN, PEOPLE | Shows.APPLICANTS, in_context("seen.patients", "seen.staff")
    ),
    "admin:facilities_facility_withdraw": Page(Access.ADMIN, PEOPLE, in_context("items.*")),
    "admin:facilities_usageapplication_print_blank": ADMIN,
    # the list shows facilities and dates; an application's record and print show its roster
    "admin:facilities_usageapplication_changelist": ADMIN,
    "admin:facilities_usageapplication_print": Page(Access.ADMIN, Shows.APPLICANTS, printed),
    "admin:facilities_idrequest_handle": Page(
        Access.ADMIN, Shows.STAFF, admin_records(IdRequest, "pk")
    ),
    "admin:facilities_rosterreview_open_round": ADMIN,
    "admin:pledges_facilitypledge_print_blank": ADMIN,
    "admin:pledges_facilitypledge_print": ADMIN,
    "admin:pledges_staffpledge_print_blank": ADMIN,
    "admin:pledges_staffpledge_print": Page(Access.ADMIN, Shows.STAFF, printed),
    "admin:consents_patientconsent_print_blank": ADMIN,
    "admin:consents_patientconsent_print": Page(Access.ADMIN, Shows.PATIENTS, printed),
    **{
        f"admin:{model}_{view}": ADMIN
        for model in ("facilities_facility", "facilities_staffmember", "devices_device")
        for view in ("import", "process_import", "export")  # exports: `spreadsheet_export`
    },
}
MODEL_PAGES = ("changelist", "change", "history", "simple_history", "delete")


def _shows(models) -> Shows:
    shows = Shows.NOTHING
    for model in models:
        for kind, _path in people_held(model._meta.label):
            shows |= SHOWN_AS[kind]
    return shows


def _model_pages() -> dict[str, Page]:
    """Each admin model's list, record, history and deletion page: whose records it shows
    follows from the kinds of record on it, the model's own and its inlines'."""
    pages = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        shows = _shows([model, *(inline.model for inline in model_admin.inlines)])
        records = admin_records(model) if shows else None
        for view in MODEL_PAGES:
            pages[f"admin:{opts.app_label}_{opts.model_name}_{view}"] = Page(
                Access.ADMIN, shows, records
            )
        pages[f"admin:{opts.app_label}_{opts.model_name}_add"] = ADMIN
        if isinstance(model_admin, VerifySignedAdmin):
            # checking a signed form reads it: logged as a view of its record
            pages[f"admin:{opts.app_label}_{opts.model_name}_verify_signed"] = Page(
                Access.ADMIN, shows, records
            )
    return pages


_admin_model_pages: dict[str, Page] = {}


def declaration(match: ResolverMatch) -> Page | None:
    """The page a resolved URL declares, or None for a URL that declares none."""
    if match.namespace == "admin":
        if match.url_name is None:  # the admin's redirects to its own pages
            return ADMIN
        if not _admin_model_pages:
            _admin_model_pages.update(_model_pages())
        return ADMIN_PAGES.get(match.view_name) or _admin_model_pages.get(match.view_name)
    return ACCESS.get(match.view_name)


def check_access(request, page: Page | None, kwargs: dict):
    """None to go on, or the response that stops the request. Sets `request.person` (the
    login's own staff record), `request.facility` or `request.group` (the object of the URL),
    found through the login's selectors."""
    if page is None:
        raise PermissionDenied("This page declares no access rule.")
    rule = page.access
    user = request.user
    if rule in (Access.PUBLIC, Access.ADMIN):
        return None
    if rule is Access.LINK:
        return _link_check(request, kwargs["token"])
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    center = is_center(user)
    if rule is Access.CENTER and not center:
        raise PermissionDenied
    if rule is Access.USER:
        request.person = own_staff_member(user)
        if request.person is None:
            raise PermissionDenied
    if rule is Access.FACILITY:
        if not center and not administered_facility_ids(user):
            raise PermissionDenied
        request.facility = get_object_or_404(facilities_for(user), pk=kwargs["facility"])
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


def _link_check(request, token: str):
    """An application link opens its own application's pages, and nothing for a client that
    sends too many requests; a closed link gets a page saying why, and writes nothing."""
    if over_limit(request, scope="link", limit=LINK_REQUESTS, seconds=LINK_WINDOW_SECONDS):
        message, status = _("Too many requests: wait a few minutes and try again."), 429
    else:
        try:
            request.invitation = invitation_by_link(token, request.session)
        except LinkClosed as closed:
            message, status = closed.message, closed.status
        else:
            # every use of a link, its token left out: when and from where, to the center
            access_log_record(
                user=None,
                action=AccessLog.Action.VIEW,
                targets=[request.invitation],
                description=request.path.replace(token, "…"),
                request=request,
            )
            return None
    return render(request, "portal/link_closed.html", {"message": message}, status=status)


class AccessMiddleware:
    """Applies each URL's declaration before its view runs; a URL with none is refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        return check_access(request, declaration(request.resolver_match), view_kwargs)
