from django.db.models import Prefetch
from django.views.generic import TemplateView

from facilities.views import FacilityPage
from mcs_admin.pages import ListPage
from pledges.selectors import facility_pledges_for, staff_pledges_for, training_sessions_for


class Pledges(FacilityPage, ListPage):
    """様式2 of the facility, and 様式3 (or its exemption) of each staff member."""

    template_name = "pledges/pledges.html"
    search_fields = ["family_name", "given_name", "family_name_kana", "given_name_kana"]

    def rows(self):
        pledges = staff_pledges_for(self.request.user).order_by("-prepared_on")
        return (
            self.staff()
            .filter(left_on__isnull=True)
            .prefetch_related(Prefetch("pledges", queryset=pledges, to_attr="staff_pledges"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["facility_pledges"] = facility_pledges_for(self.request.user).filter(
            facility=self.facility
        )
        return context


class Training(FacilityPage, TemplateView):
    """第9条: the sessions, and who of the facility attended each."""

    template_name = "pledges/training.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        staff = self.staff()
        context["sessions"] = (
            training_sessions_for(self.request.user)
            .filter(attendees__facility=self.facility)
            .distinct()
            .prefetch_related(Prefetch("attendees", queryset=staff, to_attr="facility_attendees"))[
                :50
            ]
        )
        return context
