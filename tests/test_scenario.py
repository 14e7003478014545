"""A patient group's life through the pages: created, its consent recorded, an outside member
approved, a review that removes one member, a move to another facility and the archive —
with the owner's dashboard, the other facility's and the center's compliance dashboard
checked at each step."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups.models import CareGroup, Membership
from office import figures
from tests.world import build_world, id_holder, login_for

pytestmark = pytest.mark.django_db


class Office:
    """The world's logins, each with a client, and what their dashboards say."""

    def __init__(self, client_class, world):
        self.world = world
        self.clients = {}
        self.client_class = client_class

    def as_(self, login):
        if login.pk not in self.clients:
            client = self.client_class()
            client.force_login(login)
            self.clients[login.pk] = client
        return self.clients[login.pk]

    def post(self, login, name, *args, data=None):
        response = self.as_(login).post(reverse(name, args=args), data or {})
        assert response.status_code == 302, (name, response.content.decode()[:2000])
        return response

    def dashboard(self, side):
        """The facility dashboard's counts, as the side's administrator sees them."""
        page = self.as_(side.admin).get(reverse("facility:dashboard", args=[side.facility.pk]))
        return {name: section["count"] for name, section in page.context["sections"].items()}

    def compliance(self, side):
        """The center's counts for the side's facility (zero when it has nothing open), counted
        afresh as by the scheduled job (a test's transaction never commits, so the recount on
        commit does not run here: tests/office/test_compliance_figures.py)."""
        figures.recount()
        page = self.as_(self.world.center).get(reverse("portal:compliance"))
        for row in page.context["rows"]:
            if row["facility"] == side.facility:
                return {column.key: count for column, count in row["cells"]}
        return {}


def test_a_patient_group_from_creation_to_the_archive():
    world = build_world()
    a, b = world.a, world.b
    office = Office(Client, world)
    before_a, before_b = office.compliance(a), office.compliance(b)
    dashboard_b = office.dashboard(b)

    # 1. facility A registers the patient's group: its first review is scheduled
    office.post(
        a.admin,
        "groups:group_add",
        a.facility.pk,
        data={"kind": "patient", "family_name": "花和田", "given_name": "一郎"},
    )
    group = CareGroup.objects.get(patient__given_name="一郎")
    review = group.reviews.get(status="open")
    assert review.due_on > timezone.localdate()
    assert office.compliance(a)["consents"] == before_a.get("consents", 0) + 1

    # 2. its consent: the contract exemption (第6条)
    office.post(
        a.admin,
        "groups:group_consent",
        group.pk,
        data={"basis": "contract", "exemption_note": "訪問診療契約書 第8条"},
    )
    assert office.compliance(a).get("consents", 0) == before_a.get("consents", 0)

    # 3. an ID holder of facility B is invited, accepts, and B's administrator approves;
    #    A's own user too
    outsider = id_holder(b.facility, family_name="鷹野")
    outsider_login = login_for(outsider, "outsider-b")
    office.post(a.admin, "groups:group_invite", group.pk, data={"staff_member": outsider.pk})
    office.post(
        a.admin, "groups:group_invite", group.pk, data={"staff_member": a.user.staff_member.pk}
    )
    invitation = group.memberships.get(staff_member=outsider)
    office.post(outsider_login, "groups:invitation_accept", invitation.pk)
    assert office.dashboard(b)["approvals"] == dashboard_b["approvals"] + 1
    assert office.compliance(b)["approvals"] == before_b["approvals"] + 1
    office.post(b.admin, "groups:invitation_approve", b.facility.pk, invitation.pk)
    own = group.memberships.get(staff_member=a.user.staff_member)
    office.post(a.user, "groups:invitation_accept", own.pk)
    office.post(a.admin, "groups:invitation_approve", a.facility.pk, own.pk)
    assert set(group.memberships.values_list("status", flat=True)) == {"approved"}
    assert office.dashboard(b)["approvals"] == dashboard_b["approvals"]

    # 4. the review falls due: on the owner's dashboard and the center's, as overdue
    type(review).objects.filter(pk=review.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    reviews_due_a = office.dashboard(a)["reviews_due"]
    overdue_a = office.compliance(a)["reviews"]
    assert overdue_a == before_a.get("reviews", 0) + 1
    page = office.as_(a.admin).get(reverse("facility:dashboard", args=[a.facility.pk]))
    assert reverse("groups:group_review", args=[group.pk]) in page.content.decode()
    # the reviewer keeps A's user and removes the outsider, who no longer visits
    office.post(a.admin, "groups:review_decide", group.pk, own.pk, data={"outcome": "confirmed"})
    office.post(
        a.admin,
        "groups:review_decide",
        group.pk,
        invitation.pk,
        data={"outcome": "removed", "reason": "訪問終了"},
    )
    invitation.refresh_from_db()
    assert (invitation.status, invitation.ended_by) == ("removed", a.admin)
    review.refresh_from_db()
    assert (review.status, review.reviewer) == ("completed", a.admin)
    assert group.reviews.get(status="open").due_on > timezone.localdate()
    assert office.dashboard(a)["reviews_due"] == reviews_due_a - 1
    assert office.compliance(a).get("reviews", 0) == overdue_a - 1

    # 5. the patient changes provider: A asks, B approves, the group and its duties move
    office.post(
        a.admin,
        "groups:group_transfer",
        group.pk,
        data={"to_facility": b.facility.pk, "reason": "訪問看護ステーション主体の在宅療養へ"},
    )
    transfer = group.transfers.get()
    assert office.dashboard(b)["transfers"] == dashboard_b["transfers"] + 1
    assert office.compliance(b)["transfers"] == before_b.get("transfers", 0) + 1
    office.post(b.admin, "groups:transfer_approve", b.facility.pk, transfer.pk)
    group.refresh_from_db()
    assert group.owner == b.facility
    assert "事業所A" in group.history.latest().history_change_reason
    assert office.dashboard(b)["transfers"] == dashboard_b["transfers"]
    assert (
        office.as_(a.admin).get(reverse("groups:group_detail", args=[group.pk])).status_code == 404
    )
    assert (
        office.as_(b.admin).get(reverse("groups:group_detail", args=[group.pk])).status_code == 200
    )
    listed_b = office.as_(b.admin).get(reverse("groups:group_list", args=[b.facility.pk]))
    assert group in listed_b.context["object_list"]

    # 6. the patient no longer uses MCS: B archives the group, which leaves the active lists
    office.post(b.admin, "groups:group_archive", group.pk, data={"reason": "施設入所"})
    group.refresh_from_db()
    assert group.status == "archived"
    listed_b = office.as_(b.admin).get(reverse("groups:group_list", args=[b.facility.pk]))
    assert group not in listed_b.context["object_list"]
    archived = office.as_(b.admin).get(
        reverse("groups:group_list", args=[b.facility.pk]), {"archived": "1"}
    )
    assert group in archived.context["object_list"]
    mine = office.as_(a.user).get(reverse("groups:my_groups"))
    assert not [m for m in mine.context["object_list"] if m.group_id == group.pk]
    assert office.compliance(b).get("reviews", 0) == before_b.get("reviews", 0)
    # read-only now: an invitation is refused with a message, nothing written
    refused = office.as_(b.admin).post(
        reverse("groups:group_invite", args=[group.pk]), {"staff_member": outsider.pk}
    )
    assert "保管済み" in refused.content.decode()
    assert not group.memberships.filter(status=Membership.Status.INVITED).exists()
    assert [h.history_user for h in group.history.order_by("history_id")] == [
        a.admin,  # created
        b.admin,  # moved
        b.admin,  # archived
    ]
