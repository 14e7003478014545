"""Two facilities, A and B, each with an MCS administrator, a user and the objects their pages
show; logins as in seed_demo: center, admin-a, admin-b, user-a, user-b."""

from dataclasses import dataclass

from django.utils import timezone

from facilities.services import appointment_start, staff_link_login
from groups.models import Membership
from mcs_admin.models import User
from office.models import Notice
from office.notices import notice_confirm_read, notice_publish
from tests import factories as f


@dataclass
class Side:
    facility: object
    admin: object
    user: object
    staff: object  # an ID holder without a login
    device: object
    carry_out: object
    incident: object
    group: object
    member: object  # an approved member of the side's group (from the other side)
    staff_invitation: object  # the side's staff accepted in the other side's group
    user_invitation: object  # the side's user invited to the other side's group
    entry: object  # the staff's line in an open roster review
    leave: object
    leave_item: object
    deletion: object  # a pending request to delete the staff's ID
    issued: object  # a done request to issue the user's ID
    application: object
    facility_pledge: object
    staff_pledge: object
    training: object  # a session the facility held for its staff (第9条)
    consent: object
    designation: object  # the staff designated by the group's physician to obtain its consent
    review: object  # the open membership review of the side's group
    transfer_in: object  # another facility's patient group asked to move to the side
    notice: object  # a notice from the center to the side's facility alone, read by its admin


@dataclass
class World:
    center: object
    a: Side
    b: Side


def id_holder(facility, **kwargs):
    person = f.StaffMemberFactory(facility=facility, **kwargs)
    f.McsAccountFactory(staff_member=person)
    return person


def next_request(login):
    """The login as its next request loads it: a request reads a login's rights once (Django's
    permissions, the facilities and groups it runs), so a change shows on a new object."""
    return User.objects.get(pk=login.pk)


def login_for(person, username):
    user = f.UserFactory(username=username)
    staff_link_login(staff_member=person, user=user)
    return user


def build_world():
    f.AssociationProfileFactory()
    center = f.CenterUserFactory(username="center")
    halves = {}
    for name in ("a", "b"):
        facility = f.FacilityFactory(name=f"事業所{name.upper()}")
        admin_person = id_holder(facility, profession="physician")
        appointment_start(facility=facility, staff_member=admin_person, by=center)
        admin = login_for(admin_person, f"admin-{name}")
        user_person = id_holder(facility)
        user = login_for(user_person, f"user-{name}")
        staff = id_holder(facility)
        device = f.DeviceFactory(facility=facility, assigned_to=user_person)
        group = f.CareGroupFactory(owner=facility, attending_physician=admin_person)
        consent = f.PatientConsentFactory(
            group=group, status="received", signed_on=f.TODAY, received_on=f.TODAY
        )
        f.StaffPledgeFactory(staff_member=user_person)
        f.StaffPledgeFactory(staff_member=admin_person)
        f.MembershipReviewFactory(group=group)
        f.AssemblyRequestFactory(group=group, requested_by=admin_person)  # 独自ルール 5
        review = f.RosterReviewFactory(facility=facility)
        leaver = id_holder(facility)
        leave = f.LeaveFactory(staff_member=leaver)
        halves[name] = {
            "consent": consent,
            "designation": f.ConsentDesignationFactory(group=group, staff_member=staff),
            "issued": f.IdRequestFactory(
                staff_member=user_person,
                kind="issue",
                status="done",
                requested_at=timezone.now() - timezone.timedelta(days=1),
                handled_at=timezone.now(),
                account=user_person.mcs_accounts.get(),
            ),
            "application": f.UsageApplicationFactory(facility=facility),
            "facility_pledge": f.FacilityPledgeFactory(facility=facility),
            "staff_pledge": f.StaffPledgeFactory(staff_member=staff),
            "training": f.TrainingSessionFactory(facility=facility),
            "entry": f.RosterReviewEntryFactory(review=review, account=staff.mcs_accounts.get()),
            "leave": leave,
            "leave_item": f.LeaveItemFactory(leave=leave, kind="pledge_reminder"),
            "deletion": f.IdRequestFactory(
                staff_member=leaver, kind="delete", account=leaver.mcs_accounts.get()
            ),
            "facility": facility,
            "admin": admin,
            "user": user,
            "staff": staff,
            "device": device,
            "group": group,
            "carry_out": f.CarryOutNoticeFactory(staff_member=user_person, device=device),
            "incident": f.IncidentFactory(facility=facility, reported_by=user_person),
            "review": group.reviews.get(),
        }
    for name, other in (("a", "b"), ("b", "a")):
        half, across = halves[name], halves[other]
        half["member"] = f.MembershipFactory(
            group=half["group"],
            staff_member=id_holder(across["facility"]),
            status=Membership.Status.APPROVED,
        )
        half["staff_invitation"] = f.MembershipFactory(
            group=across["group"],
            staff_member=half["staff"],
            status=Membership.Status.ACCEPTED,
        )
        half["user_invitation"] = f.MembershipFactory(
            group=across["group"],
            staff_member=half["user"].staff_member,
        )
        moving = f.CareGroupFactory(owner=across["facility"])
        half["transfer_in"] = f.OwnershipTransferFactory(
            group=moving, to_facility=half["facility"], reason="転居"
        )
        notice = f.NoticeFactory(audience=Notice.Audience.CHOSEN)
        notice.facilities.set([half["facility"]])
        half["notice"] = notice_publish(notice=notice, by=center)
        notice_confirm_read(notice=notice, facility=half["facility"], by=half["admin"])
    return World(center=center, a=Side(**halves["a"]), b=Side(**halves["b"]))
