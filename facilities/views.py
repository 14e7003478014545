import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from devices.selectors import devices_for
from facilities import services
from facilities.forms import IdRequestForm, LeaveForm, StaffForm
from facilities.models import IdRequest, McsAccount
from facilities.selectors import id_requests_for, staff_for
from groups.models import Membership, MembershipReview
from groups.selectors import memberships_for
from mcs_admin.models import AssociationProfile
from mcs_admin.pages import ListPage, PageMixin, ServiceFormPage
from pledges.models import StaffPledge

DASHBOARD_ROWS = 10


class FacilityPage(PageMixin):
    """A page of the facility in the URL (`request.facility`, set by the access policy)."""

    @property
    def facility(self):
        return self.request.facility

    def staff(self):
        return staff_for(self.request.user).filter(facility=self.facility)


class Dashboard(FacilityPage, TemplateView):
    """What needs the MCS administrator's action now."""

    template_name = "facilities/dashboard.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        profile = AssociationProfile.objects.filter(pk=1).first()
        max_age = profile.mcs_password_max_age_days if profile else 60
        staff = self.staff().filter(left_on__isnull=True)
        holders = McsAccount.objects.filter(
            staff_member__in=staff, status=McsAccount.Status.ISSUED
        ).select_related("staff_member")
        sections = {
            "approvals": memberships_for(self.request.user)
            .filter(staff_member__in=staff, status=Membership.Status.ACCEPTED)
            .select_related("staff_member", "group__owner", "group__patient"),
            "requests": id_requests_for(self.request.user)
            .filter(facility=self.facility, status=IdRequest.Status.PENDING)
            .select_related("staff_member"),
            "without_pledge": staff.filter(mcs_accounts__status=McsAccount.Status.ISSUED)
            .exclude(Exists(StaffPledge.objects.filter(staff_member=OuterRef("pk"))))
            .order_by("family_name_kana"),
            "insecure_devices": devices_for(self.request.user)
            .filter(facility=self.facility, status="in_use")
            .exclude(
                boot_password=True,
                no_file_sharing=True,
                antivirus=True,
                browser_saves_no_password=True,
            )
            .select_related("assigned_to"),
            "reviews_due": MembershipReview.objects.filter(
                group__owner=self.facility,
                group__status="active",
                status=MembershipReview.Status.OPEN,
                due_on__lte=today + datetime.timedelta(days=14),
            ).select_related("group__patient"),
            # 第11条(3): due within 7 days, or older than the maximum age, or never recorded
            "passwords": holders.filter(
                Q(password_changed_on__lte=today - datetime.timedelta(days=max_age - 7))
                | Q(password_changed_on__isnull=True)
            ).order_by(F("password_changed_on").asc(nulls_first=True)),
        }
        context = super().get_context_data(**kwargs)
        context["sections"] = {
            name: {"rows": rows[:DASHBOARD_ROWS], "count": rows.count()}
            for name, rows in sections.items()
        }
        context["password_overdue_on"] = today - datetime.timedelta(days=max_age)
        return context


class StaffList(FacilityPage, ListPage):
    template_name = "facilities/staff_list.html"
    search_fields = ["family_name", "given_name", "family_name_kana", "given_name_kana", "email"]

    def rows(self):
        staff = self.staff().prefetch_related(
            Prefetch(
                "mcs_accounts",
                queryset=McsAccount.objects.exclude(status=McsAccount.Status.DELETED),
            ),
            "pledges",
        )
        if self.request.GET.get("left") != "1":
            staff = staff.filter(left_on__isnull=True)
        return staff


class StaffDetail(FacilityPage, DetailView):
    template_name = "facilities/staff_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return self.staff()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context["accounts"] = person.mcs_accounts.all()
        context["pledges"] = person.pledges.all()
        context["requests"] = person.id_requests.all()
        context["memberships"] = person.memberships.select_related("group__patient", "group__owner")
        context["devices"] = person.devices.all()
        context["trainings"] = person.training_sessions.all()
        context["appointments"] = person.appointments.all()
        return context


class StaffFormPage(FacilityPage, ServiceFormPage):
    form_class = StaffForm

    @cached_property
    def person(self):
        return get_object_or_404(self.staff(), pk=self.kwargs["pk"])

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
    form_class = LeaveForm
    title = _("Mark as left")
    success_message = _("The staff member is marked as left.")

    def get_initial(self):
        return {"left_on": timezone.localdate()}

    def perform(self, form):
        return services.staff_mark_left(
            staff_member=self.person, by=self.request.user, **form.cleaned_data
        )


class StaffRequest(StaffFormPage):
    form_class = IdRequestForm
    title = _("Ask the support center about the MCS ID")
    success_message = _("The request was sent to the support center.")

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
