import datetime

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from devices.selectors import devices_for, insecure_devices
from facilities import services
from facilities.forms import ConsultationForm, IdRequestForm, LeaveForm, RestrictForm, StaffForm
from facilities.models import (
    IdRequest,
    Leave,
    LeaveItem,
    McsAccount,
    RosterReview,
    RosterReviewEntry,
)
from facilities.pdf import APPLICATION_FORM, id_notice_pdf
from facilities.resources import StaffMemberResource
from facilities.selectors import (
    STAFF_SEARCH,
    applications_for,
    consultations_for,
    id_requests_for,
    leaves_for,
    roster_reviews_for,
    staff_for,
    stale_passwords,
    with_last_training,
    with_password_overdue,
)
from groups.models import Membership, OwnershipTransfer
from groups.selectors import memberships_for, open_reviews, transfers_for, with_group_named
from mcs_admin.documents import unreturned_forms
from mcs_admin.models import AssociationProfile
from mcs_admin.pages import (
    ActionPage,
    FacilityPage,
    ListPage,
    PrintPage,
    ServiceFormPage,
    first_rows,
)
from mcs_admin.pdf import pdf_download, print_response
from mcs_admin.services import spreadsheet_export
from pledges.selectors import (
    facilities_without_pledge,
    holders_without_pledge,
    open_round,
    round_progress,
)

DASHBOARD_ROWS = 10
SPREADSHEET_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Dashboard(FacilityPage, TemplateView):
    """What needs the MCS administrator's action now."""

    template_name = "facilities/dashboard.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        profile = AssociationProfile.current()
        overdue_on = profile.password_overdue_before(today)
        staff = staff_for(self.request.user).filter(facility=self.facility, left_on__isnull=True)
        sections = {
            "approvals": with_group_named(memberships_for(self.request.user), self.request.user)
            .filter(staff_member__in=staff, status=Membership.Status.ACCEPTED)
            .select_related("staff_member", "group__owner", "group__patient"),
            "requests": id_requests_for(self.request.user)
            .filter(facility=self.facility, status=IdRequest.Status.PENDING)
            .select_related("staff_member"),
            "without_pledge": holders_without_pledge()
            .filter(pk__in=staff.values("pk"))
            .order_by("family_name_kana"),
            "insecure_devices": insecure_devices()
            .filter(pk__in=devices_for(self.request.user).filter(facility=self.facility))
            .select_related("assigned_to"),
            "transfers": transfers_for(self.request.user)
            .filter(to_facility=self.facility, status=OwnershipTransfer.Status.REQUESTED)
            .select_related("from_facility", "group__patient"),
            "reviews_due": open_reviews(
                today + datetime.timedelta(days=AssociationProfile.REVIEW_NOTICE_DAYS)
            )
            .filter(group__owner=self.facility)
            .select_related("group__patient"),
            # 第11条(3): the same rule as the reminders, for the facility's own staff
            "passwords": with_password_overdue(
                stale_passwords(
                    overdue_on + datetime.timedelta(days=AssociationProfile.PASSWORD_NOTICE_DAYS)
                ),
                overdue_before=overdue_on,
            )
            .filter(staff_member__in=staff)
            .select_related("staff_member")
            .order_by(F("password_changed_on").asc(nulls_first=True)),
        }
        context = super().get_context_data(**kwargs)
        context["sections"] = {
            name: first_rows(rows, DASHBOARD_ROWS) for name, rows in sections.items()
        }
        # 様式1–4 of the facility printed and not back in time, as the center's list has them
        unreturned = unreturned_forms(
            today=today, facility=self.facility.pk, user=self.request.user, profile=profile
        )
        context["unreturned"] = {"rows": unreturned[:DASHBOARD_ROWS], "count": len(unreturned)}
        # 附則: the open round of pledges as far as the facility has come, and its 様式2 past
        # a round's due date
        context["pledge_round"] = pledge_round = open_round()
        if pledge_round is not None:
            context["round_progress"] = round_progress(pledge_round, [self.facility.pk]).get(
                self.facility.pk
            )
        context["facility_pledge_missing"] = (
            facilities_without_pledge(today).filter(pk=self.facility.pk).exists()
        )
        return context


class StaffList(FacilityPage, ListPage):
    template_name = "facilities/staff_list.html"
    search_fields = STAFF_SEARCH

    def rows(self):
        staff = (
            staff_for(self.request.user)
            .filter(facility=self.facility)
            .prefetch_related(
                Prefetch(
                    "mcs_accounts",
                    queryset=McsAccount.objects.exclude(status=McsAccount.Status.DELETED),
                ),
                "pledges",
            )
        )
        if self.request.GET.get("left") != "1":
            staff = staff.filter(left_on__isnull=True)
        due_since = AssociationProfile.current().training_due_since(timezone.localdate())
        return with_last_training(staff, due_since=due_since).order_by(
            "family_name_kana", "given_name_kana", "pk"
        )


class StaffDetail(FacilityPage, DetailView):
    template_name = "facilities/staff_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return staff_for(self.request.user).filter(facility=self.facility)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context["accounts"] = person.mcs_accounts.all()
        context["pledges"] = person.pledges.all()
        context["requests"] = person.id_requests.all()
        context["memberships"] = with_group_named(
            person.memberships.select_related("group__patient", "group__owner"), self.request.user
        )
        context["devices"] = person.devices.all()
        context["trainings"] = person.training_sessions.all()
        context["appointments"] = person.appointments.all()
        return context


class StaffFormPage(FacilityPage, ServiceFormPage):
    form_class = StaffForm

    @cached_property
    def person(self):
        return get_object_or_404(
            staff_for(self.request.user).filter(facility=self.facility), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subject"] = self.person if "pk" in self.kwargs else None
        return context

    def get_success_url(self):
        return reverse("facility:staff_detail", args=[self.facility.pk, self.result.pk])


class StaffAdd(StaffFormPage):
    title = _("Add a staff member")
    success_message = _("The staff member was added.")

    def perform(self, form):
        return services.staff_create(
            facility=self.facility, by=self.request.user, **form.cleaned_data
        )


class StaffEdit(StaffFormPage):
    title = _("Edit the staff member")
    success_message = _("The staff member was saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.person}

    def perform(self, form):
        return services.staff_update(
            staff_member=self.person, by=self.request.user, **form.cleaned_data
        )


class StaffLeave(StaffFormPage):
    """Left the facility, or no longer in charge: opens the leaver's checklist."""

    submit_label = _("Record the leaving")

    form_class = LeaveForm
    title = _("Mark as left or no longer in charge")
    success_message = _("The leaver's checklist was opened.")

    def get_initial(self):
        return {"reason": Leave.Reason.LEFT, "left_on": timezone.localdate()}

    def perform(self, form):
        services.leave_open(staff_member=self.person, by=self.request.user, **form.cleaned_data)
        return self.person

    def get_success_url(self):
        return reverse("facility:leaves", args=[self.facility.pk])


class StaffRestrict(StaffFormPage):
    """留意事項 (2): restrict or ban a user of the facility for misuse."""

    submit_label = _("Restrict the use")

    form_class = RestrictForm
    title = _("Restrict or ban the MCS ID")
    success_message = _("The MCS ID was restricted.")

    def perform(self, form):
        account = services.open_account(self.person)
        if account is None:
            raise ValidationError(_("This staff member has no MCS ID."))
        services.account_restrict(account=account, by=self.request.user, **form.cleaned_data)
        return self.person


class StaffReinstate(FacilityPage, ActionPage):
    success_message = _("The restriction was lifted.")

    def perform(self):
        person = get_object_or_404(
            staff_for(self.request.user).filter(facility=self.facility), pk=self.kwargs["pk"]
        )
        account = services.open_account(person)
        if account is None:
            raise ValidationError(_("This staff member has no MCS ID."))
        services.account_reinstate(account=account, by=self.request.user)

    def redirect_url(self):
        return reverse("facility:staff_detail", args=[self.facility.pk, self.kwargs["pk"]])


class IdRequestStep(FacilityPage, ActionPage):
    """The administrator confirms a step of a deletion: スタッフ解除 done, or the holder deleted
    their own account."""

    success_message = _("The step was recorded.")

    def perform(self):
        request = get_object_or_404(
            id_requests_for(self.request.user).filter(facility=self.facility),
            pk=self.kwargs["pk"],
        )
        services.id_request_confirm_step(
            request=request, step=self.request.POST.get("step", ""), by=self.request.user
        )

    def redirect_url(self):
        return reverse("facility:id_requests", args=[self.facility.pk])


class RosterReviewPage(FacilityPage, TemplateView):
    """ID棚卸: confirm, ID by ID, that every holder is still current."""

    template_name = "facilities/roster_review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = roster_reviews_for(self.request.user).filter(facility=self.facility)
        review = reviews.filter(status=RosterReview.Status.OPEN).first()
        context["review"] = review
        context["entries"] = (
            review.entries.select_related("account__staff_member", "confirmed_by") if review else []
        )
        context["past"] = reviews.filter(status=RosterReview.Status.COMPLETED)[:5]
        context["outcomes"] = [
            choice for choice in RosterReviewEntry.Outcome.choices if choice[0] != "pending"
        ]
        return context


class RosterEntryConfirm(FacilityPage, ActionPage):
    success_message = _("Confirmed.")

    def perform(self):
        entry = get_object_or_404(
            RosterReviewEntry.objects.filter(
                review__in=roster_reviews_for(self.request.user).filter(facility=self.facility)
            ),
            pk=self.kwargs["pk"],
        )
        services.roster_entry_confirm(
            entry=entry, outcome=self.request.POST.get("outcome", ""), by=self.request.user
        )

    def redirect_url(self):
        return reverse("facility:roster_review", args=[self.facility.pk])


class Leaves(FacilityPage, ListPage):
    """The leavers' checklists of the facility, open ones first."""

    template_name = "facilities/leaves.html"

    def rows(self):
        return (
            leaves_for(self.request.user)
            .filter(staff_member__facility=self.facility)
            .select_related("staff_member")
            .prefetch_related("items")
            .order_by(F("completed_on").desc(nulls_first=True), "-opened_on")
        )


class LeaveItemClose(FacilityPage, ActionPage):
    success_message = _("The item was closed.")

    def perform(self):
        item = get_object_or_404(
            LeaveItem.objects.filter(
                leave__in=leaves_for(self.request.user).filter(staff_member__facility=self.facility)
            ),
            pk=self.kwargs["pk"],
        )
        services.leave_item_close(
            item=item, by=self.request.user, waive_reason=self.request.POST.get("waive", "")
        )

    def redirect_url(self):
        return reverse("facility:leaves", args=[self.facility.pk])


class LeaveReminder(FacilityPage, DetailView):
    """A page to print and hand over: the pledge's duty after leaving (様式3 第4条)."""

    template_name = "facilities/leave_reminder.html"
    context_object_name = "leave"

    def get_queryset(self):
        return leaves_for(self.request.user).filter(staff_member__facility=self.facility)


NO_PLEDGE_YET = _(
    "No staff pledge (form 3) or exemption is on record for this person yet: the support "
    "center issues an ID only once there is one (第9条). Prepare the pledge on the pledges page."
)


class StaffRequest(StaffFormPage):
    submit_label = _("Send the request")
    form_class = IdRequestForm
    title = _("Ask the support center about the MCS ID")
    success_message = _("The request was sent to the support center.")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not services.has_pledge(self.person):  # said before the click, not after
            form.fields["kind"].help_text = NO_PLEDGE_YET
        return form

    def perform(self, form):
        services.id_request_create(
            staff_member=self.person, by=self.request.user, **form.cleaned_data
        )
        return self.person


class IdRequestList(FacilityPage, ListPage):
    template_name = "facilities/id_request_list.html"
    search_fields = ["staff_member__family_name", "staff_member__family_name_kana"]

    def rows(self):
        return (
            id_requests_for(self.request.user)
            .filter(facility=self.facility)
            .select_related("staff_member", "account")
            .order_by("-requested_at")
        )


class IdNotice(FacilityPage, PrintPage):
    """ID発行通知 of an issued ID, with its login id and no password."""

    def pdf(self):
        id_request = get_object_or_404(
            id_requests_for(self.request.user).filter(facility=self.facility),
            pk=self.kwargs["pk"],
        )
        pdf = id_notice_pdf([id_request], user=self.request.user, request=self.request)
        return pdf_download(pdf, f"id-notice-{id_request.pk}.pdf")

    def back_url(self):
        return reverse("facility:id_requests", args=[self.facility.pk])


class ApplicationPrint(FacilityPage, PrintPage):
    """様式1 of the facility's own application."""

    def pdf(self):
        application = get_object_or_404(
            applications_for(self.request.user).filter(facility=self.facility),
            pk=self.kwargs["pk"],
        )
        return print_response(APPLICATION_FORM, [application], request=self.request)

    def back_url(self):
        return reverse("facility:dashboard", args=[self.facility.pk])


class RosterDownload(FacilityPage, View):
    """独自ルール 2, ID棚卸: the facility's own staff with their MCS IDs, as CSV or XLSX, to
    check against MCS itself; logged as an export of those people."""

    http_method_names = ["get"]

    def get(self, request, *args, fmt: str, **kwargs):
        if fmt not in SPREADSHEET_TYPES:
            raise Http404
        staff = (
            staff_for(request.user)
            .filter(facility=self.facility)
            .order_by("family_name_kana", "given_name_kana", "pk")
        )
        data = spreadsheet_export(
            resource=StaffMemberResource(),
            file_format=fmt,
            user=request.user,
            queryset=staff,
            request=request,
        )
        response = HttpResponse(data, content_type=SPREADSHEET_TYPES[fmt])
        name = f"mcs-roster-{self.facility.pk}-{timezone.localdate():%Y%m%d}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class Consultations(FacilityPage, ListPage):
    """独自ルール 4: what the facility asked the support center, with its status and answer."""

    template_name = "facilities/consultations.html"

    def rows(self):
        return consultations_for(self.request.user).filter(facility=self.facility)


class ConsultationAdd(FacilityPage, ServiceFormPage):
    """独自ルール 4: a consultation for the center, or a complaint about personal information,
    which the center records and passes on to the attending physician."""

    form_class = ConsultationForm
    template_name = "facilities/consultation_add.html"
    title = _("Send a consultation or complaint")
    submit_label = _("Send")
    success_message = _("Sent to the support center.")

    def get_initial(self):
        return {"contact_name": self.request.user.get_full_name()}

    def perform(self, form):
        return services.consultation_submit(
            facility=self.facility, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("facility:consultations", args=[self.facility.pk])
