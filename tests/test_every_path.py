"""The policy's rules hold on every path that writes (issue: one gate per rule).

First, no workflow state is a form field anywhere in the admin: every registered model admin's
add and change form and every inline's form are enumerated, and none offers a field of the
list below. The center moves these states with actions and pages that call the services.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from tests.world import build_world

pytestmark = pytest.mark.django_db

# The final set: the fields only a workflow's services move.
WORKFLOW_FIELDS = {
    "facilities.Facility": {"status", "joined_on", "left_on"},
    "facilities.UsageApplication": {"status", "received_on", "decided_on"},
    "facilities.StaffMember": {"left_on"},
    "facilities.McsAccount": {"status", "requested_on", "issued_on", "deleted_on", "status_reason"},
    "facilities.IdRequest": {
        "status",
        "handled_at",
        "rejection_reason",
        "released_at",
        "holder_deleted_at",
    },
    "facilities.Leave": {"completed_on"},
    "facilities.LeaveItem": {"status", "closed_at"},
    "facilities.RosterReview": {"status", "completed_on"},
    "facilities.RosterReviewEntry": {"outcome", "confirmed_at"},
    "facilities.AdministratorAppointment": {"ended_on"},
    "care_groups.CareGroup": {"status", "archived_on", "archive_reason"},
    "care_groups.Membership": {
        "status",
        "responded_at",
        "approved_at",
        "approved_by",
        "ended_at",
        "ended_by",
        "end_reason",
    },
    "care_groups.MembershipReview": {"status", "completed_on"},
    "care_groups.MembershipReviewEntry": {"outcome"},
    "care_groups.OwnershipTransfer": {"status", "decided_at", "refusal_reason"},
    "consents.PatientConsent": {"status", "received_on", "withdrawn_on", "withdrawal_reason"},
    "pledges.FacilityPledge": {"status", "received_on"},
    "pledges.StaffPledge": {"status", "received_on"},
    "devices.Device": {"status", "retired_on"},
    "devices.CarryOutNotice": {"status", "acknowledged_at", "returned_on", "closed_on"},
    "devices.Incident": {"status", "closed_at", "preliminary_report_on", "final_report_on"},
}


@pytest.fixture
def center_request():
    world = build_world()
    request = RequestFactory().get("/admin/")
    request.user = world.center
    return request


def _forms(model_admin, request):
    """Every form of one model admin: (what, model, form class) for add, change and inlines."""
    model = model_admin.model
    obj = model._default_manager.first()
    if model_admin.has_add_permission(request):
        yield "add", model, model_admin.get_form(request, None, change=False)
        for inline in model_admin.get_inline_instances(request, None):
            yield "add inline", inline.model, inline.get_formset(request, None).form
    if obj is not None and model_admin.has_change_permission(request, obj):
        yield "change", model, model_admin.get_form(request, obj, change=True)
        for inline in model_admin.get_inline_instances(request, obj):
            yield "change inline", inline.model, inline.get_formset(request, obj).form


def test_no_workflow_field_is_editable_on_any_admin_page(center_request):
    offered = []
    seen = set()
    for model_admin in admin.site._registry.values():
        for what, model, form in _forms(model_admin, center_request):
            seen.add(model._meta.label)
            editable = WORKFLOW_FIELDS.get(model._meta.label, set()) & set(form.base_fields)
            if editable:
                offered.append((type(model_admin).__name__, what, model.__name__, editable))
    assert offered == []
    # the table covers models the admin really shows: a rename would silently skip one
    assert set(WORKFLOW_FIELDS) <= seen


def test_every_model_with_a_status_is_in_the_table():
    with_status = {
        model._meta.label
        for model in apps.get_models()
        if any(field.name in ("status", "outcome") for field in model._meta.fields)
        and not model.__name__.startswith("Historical")
    }
    assert with_status <= set(WORKFLOW_FIELDS)


def test_the_models_declare_the_same_fields_the_admin_keeps_read_only():
    for label, fields in WORKFLOW_FIELDS.items():
        assert set(apps.get_model(label).workflow_fields) == fields, label
