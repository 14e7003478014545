from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from devices import services
from devices.forms import CarryOutForm, DeviceForm, IncidentActionsForm, IncidentForm
from devices.models import FIRST_STEPS
from devices.selectors import carry_outs_for, devices_for, incidents_for
from facilities.selectors import staff_for
from mcs_admin.pages import ActionPage, FacilityPage, ListPage, ServiceFormPage, UserPage


class DeviceList(FacilityPage, ListPage):
    template_name = "devices/device_list.html"
    search_fields = ["label", "assigned_to__family_name", "assigned_to__family_name_kana"]

    def rows(self):
        return (
            devices_for(self.request.user)
            .filter(facility=self.facility)
            .select_related("assigned_to")
        )


class DeviceFormPage(FacilityPage, ServiceFormPage):
    form_class = DeviceForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "staff": staff_for(self.request.user).filter(
                facility=self.facility, left_on__isnull=True
            ),
        }

    def get_success_url(self):
        return reverse("devices:device_list", args=[self.facility.pk])


class DeviceAdd(DeviceFormPage):
    title = _("Register a device")
    success_message = _("The device was registered.")

    def perform(self, form):
        return services.device_register(
            facility=self.facility, by=self.request.user, **form.cleaned_data
        )


class DeviceEdit(DeviceFormPage):
    title = _("Edit the device")
    success_message = _("The device was saved.")

    @cached_property
    def device(self):
        return get_object_or_404(
            devices_for(self.request.user).filter(facility=self.facility), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # a leaver keeps the device assigned until it is returned (the leaver's checklist)
        current = staff_for(self.request.user).filter(
            facility=self.facility, pk=self.device.assigned_to_id
        )
        return {**kwargs, "instance": self.device, "staff": kwargs["staff"] | current}

    def perform(self, form):
        return services.device_update(device=self.device, by=self.request.user, **form.cleaned_data)


class DeviceAction(FacilityPage, ActionPage):
    def device(self):
        return get_object_or_404(
            devices_for(self.request.user).filter(facility=self.facility), pk=self.kwargs["pk"]
        )

    def redirect_url(self):
        return reverse("devices:device_list", args=[self.facility.pk])


class DeviceRetire(DeviceAction):
    success_message = _("The device was marked as retired.")

    def perform(self):
        services.device_retire(device=self.device(), by=self.request.user)


class DeviceRecover(DeviceAction):
    success_message = _("The device is back in use.")

    def perform(self):
        services.device_recover(device=self.device(), by=self.request.user)


class CarryOutList(FacilityPage, ListPage):
    template_name = "devices/carry_out_list.html"
    search_fields = ["medium", "content", "staff_member__family_name"]

    def rows(self):
        return (
            carry_outs_for(self.request.user)
            .filter(facility=self.facility)
            .select_related("staff_member", "device")
        )


class CarryOutAcknowledge(FacilityPage, ActionPage):
    success_message = _("The carry-out notice was acknowledged.")

    def perform(self):
        notice = get_object_or_404(
            carry_outs_for(self.request.user).filter(facility=self.facility), pk=self.kwargs["pk"]
        )
        services.carry_out_acknowledge(notice=notice, by=self.request.user)

    def redirect_url(self):
        return reverse("devices:carry_out_list", args=[self.facility.pk])


class CarryOutReturn(FacilityPage, ActionPage):
    success_message = _("The return was recorded and the notice closed.")

    def perform(self):
        notice = get_object_or_404(
            carry_outs_for(self.request.user).filter(facility=self.facility), pk=self.kwargs["pk"]
        )
        services.carry_out_return(notice=notice, by=self.request.user)

    def redirect_url(self):
        return reverse("devices:carry_out_list", args=[self.facility.pk])


class IncidentList(FacilityPage, ListPage):
    template_name = "devices/incident_list.html"
    search_fields = ["description"]

    def rows(self):
        return (
            incidents_for(self.request.user)
            .filter(facility=self.facility)
            .select_related("reported_by", "device")
        )


class IncidentDetail(FacilityPage, DetailView):
    template_name = "devices/incident_detail.html"

    def get_queryset(self):
        return incidents_for(self.request.user).filter(facility=self.facility)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["first_steps"] = FIRST_STEPS[self.object.kind]
        return context


class IncidentPage(FacilityPage):
    @cached_property
    def incident(self):
        return get_object_or_404(
            incidents_for(self.request.user).filter(facility=self.facility), pk=self.kwargs["pk"]
        )

    def get_success_url(self):
        return reverse("devices:incident_detail", args=[self.facility.pk, self.incident.pk])

    redirect_url = get_success_url


class IncidentActions(IncidentPage, ServiceFormPage):
    """The MCS administrator records what was done and whether personal data is involved."""

    form_class = IncidentActionsForm
    title = _("Record the actions taken")
    success_message = _("The actions were recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.incident}

    def perform(self, form):
        return services.incident_record_actions(
            incident=self.incident, by=self.request.user, **form.cleaned_data
        )


class IncidentClose(IncidentPage, ActionPage):
    success_message = _("The incident was closed.")

    def perform(self):
        services.incident_close(incident=self.incident, by=self.request.user)


class MyDevicesPage(UserPage):
    def my_devices(self):
        return devices_for(self.request.user).filter(assigned_to=self.person)


class MyDevices(MyDevicesPage, ListPage):
    template_name = "devices/my_devices.html"

    def rows(self):
        return self.my_devices()


class MyCarryOuts(UserPage, ListPage):
    template_name = "devices/my_carry_outs.html"

    def rows(self):
        return (
            carry_outs_for(self.request.user)
            .filter(staff_member=self.person)
            .select_related("device")
        )


class MyIncidents(UserPage, ListPage):
    """The incidents the login reported, and how far the facility has taken each."""

    template_name = "devices/my_incidents.html"

    def rows(self):
        return (
            incidents_for(self.request.user)
            .filter(reported_by=self.person)
            .select_related("device", "facility")
            .order_by("-reported_at")
        )


class MyCarryOutReturn(UserPage, ActionPage):
    success_message = _("The return was recorded and the notice closed.")

    def perform(self):
        notice = get_object_or_404(
            carry_outs_for(self.request.user).filter(staff_member=self.person),
            pk=self.kwargs["pk"],
        )
        services.carry_out_return(notice=notice, by=self.request.user)

    def redirect_url(self):
        return reverse("devices:my_carry_outs")


class CarryOutFile(MyDevicesPage, ServiceFormPage):
    submit_label = _("File the notice")
    form_class = CarryOutForm
    title = _("File a carry-out notice")
    success_message = _("The notice was sent to your MCS administrator.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "devices": self.my_devices()}

    def perform(self, form):
        return services.carry_out_file(by=self.request.user, **form.cleaned_data)

    def form_valid(self, form):
        response = super().form_valid(form)
        if hasattr(self, "result") and self.result.filed_late:
            messages.warning(
                self.request,
                _("The period has already ended: the notice is marked as filed after the fact."),
            )
        return response

    def get_success_url(self):
        return reverse("devices:my_carry_outs")


class IncidentReport(MyDevicesPage, ServiceFormPage):
    submit_label = _("Report the incident")
    form_class = IncidentForm
    template_name = "devices/incident_report.html"
    title = _("Report a lost device or an incident")
    success_message = _("The report was sent to your MCS administrator and the support center.")

    def get_initial(self):
        return {"device": self.request.GET.get("device"), "kind": self.request.GET.get("kind")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "devices": self.my_devices()}

    def perform(self, form):
        return services.incident_report(by=self.request.user, **form.cleaned_data)

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.is_valid() and hasattr(self, "result"):
            for step in FIRST_STEPS[self.result.kind]:
                messages.warning(self.request, step)
        return response

    def get_success_url(self):
        return reverse("devices:my_incidents")
