"""The notices' pages for a facility's MCS administrators: the list, unread first, one notice
with its attachment and the button that confirms reading it for the facility."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from mcs_admin.pages import ActionPage, FacilityPage, ListPage
from office.notices import facility_notices, notice_confirm_read


class NoticeList(FacilityPage, ListPage):
    template_name = "portal/notices.html"
    search_fields = ["notice__title", "notice__body"]

    def rows(self):
        return facility_notices(self.request.user, self.facility)


class NoticeDetail(FacilityPage, TemplateView):
    template_name = "portal/notice_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["receipt"] = get_object_or_404(
            facility_notices(self.request.user, self.facility), notice=self.kwargs["pk"]
        )
        return context


class NoticeConfirm(FacilityPage, ActionPage):
    """「読みました」: one of the facility's administrators confirms reading for the facility."""

    success_message = _("Reading of the notice was confirmed for your facility.")

    def perform(self):
        receipt = get_object_or_404(
            facility_notices(self.request.user, self.facility), notice=self.kwargs["pk"]
        )
        notice_confirm_read(notice=receipt.notice, facility=self.facility, by=self.request.user)

    def redirect_url(self):
        return reverse("notices:notice_detail", args=[self.facility.pk, self.kwargs["pk"]])
