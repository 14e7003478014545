"""Printing from the admin: several selected records in one PDF, one record, a blank form."""

import pytest
from django.urls import reverse

from mcs_admin.models import AccessLog
from tests import factories as f
from tests.pdf_reading import pages_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def profile():
    return f.AssociationProfileFactory()


def test_three_staff_pledges_selected_print_as_one_pdf_of_three_pages(center_client, center_user):
    pledges = f.StaffPledgeFactory.create_batch(3, staff_member__address="埼玉県三郷市1-1")
    f.StaffPledgeFactory()  # not selected
    response = center_client.post(
        reverse("admin:pledges_staffpledge_changelist"),
        {"action": "print_selected", "_selected_action": [p.pk for p in pledges]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="form3-3.pdf"'
    pages = pages_text(response.content)
    assert len(pages) == 3
    assert all("業務情報保持に関する誓約書" in page and "令和8年4月1日" in page for page in pages)
    assert [p.document_number in page for p, page in zip(pledges, pages, strict=True)] == [True] * 3
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.target_type) == (
        center_user,
        "print",
        "pledges.StaffPledge",
    )
    assert sorted(entry.target_ids) == sorted(p.pk for p in pledges)


@pytest.mark.parametrize(
    ("factory", "app_model"),
    [
        (f.UsageApplicationFactory, "facilities_usageapplication"),
        (f.FacilityPledgeFactory, "pledges_facilitypledge"),
        (f.PatientConsentFactory, "consents_patientconsent"),
    ],
)
def test_each_form_prints_from_its_change_page_and_blank(center_client, factory, app_model):
    record = factory()
    change = center_client.get(reverse(f"admin:{app_model}_change", args=[record.pk]))
    print_url = reverse(f"admin:{app_model}_print", args=[record.pk])
    html = change.content.decode()
    assert print_url in html and record.document_number in html
    response = center_client.get(print_url)
    assert response["Content-Type"] == "application/pdf"
    assert record.document_number in pages_text(response.content)[0]

    changelist = center_client.get(reverse(f"admin:{app_model}_changelist"))
    blank_url = reverse(f"admin:{app_model}_print_blank")
    assert blank_url in changelist.content.decode()
    blank = center_client.get(blank_url)
    assert blank["Content-Disposition"].endswith('-blank.pdf"')
    assert AccessLog.objects.filter(action="print").count() == 2


def test_missing_data_comes_back_as_a_message(center_client):
    pledge = f.FacilityPledgeFactory(facility__address="", facility__name="住所なし医院")
    url = reverse("admin:pledges_facilitypledge_changelist")
    response = center_client.post(
        url, {"action": "print_selected", "_selected_action": [pledge.pk]}, follow=True
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "事業所「住所なし医院」: 住所を入力してください。"
    ]
    assert not AccessLog.objects.exists()


def test_printing_needs_the_view_permission(client):
    client.force_login(f.UserFactory(is_staff=True))
    pledge = f.StaffPledgeFactory()
    assert (
        client.get(reverse("admin:pledges_staffpledge_print", args=[pledge.pk])).status_code == 403
    )
    assert client.get(reverse("admin:pledges_staffpledge_print_blank")).status_code == 403
    assert not AccessLog.objects.exists()
