"""The benchmark's side in the registry: its logins, and each page's SQL queries."""

import datetime
import os
from functools import partial
from urllib.parse import quote_plus

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcs_admin.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "bench.urls"  # the baseline page, as bench/wsgi.py serves it

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from facilities.models import AdministratorAppointment, McsAccount, StaffMember  # noqa: E402
from facilities.services import appointment_start, staff_link_login  # noqa: E402
from facilities.services.invitations import invitation_create  # noqa: E402
from mcs_admin.models import User  # noqa: E402
from mcs_admin.second_factor import demo_enrol  # noqa: E402
from office.demo import SUPPORT_CENTER_GROUP, center_permissions  # noqa: E402


def _login(username: str, password: str, **fields) -> User:
    user, _ = User.objects.update_or_create(username=username, defaults=fields)
    user.set_password(password)
    user.save()
    demo_enrol(user)
    return user


def ensure(password: str) -> dict:
    """bench-center, bench-admin (a facility's MCS administrator) and bench-user (an ID holder)."""
    center = _login("bench-center", password, is_staff=True)
    group, _ = Group.objects.get_or_create(name=SUPPORT_CENTER_GROUP)
    group.permissions.set(center_permissions())
    center.groups.add(group)
    admin = _login("bench-admin", password)
    appointment = AdministratorAppointment.objects.filter(staff_member__user=admin).first()
    if appointment is None:  # the registry's first administrator gets the bench login
        appointment = (
            AdministratorAppointment.objects.filter(
                ended_on=None, staff_member__user=None, staff_member__left_on=None
            )
            .order_by("pk")
            .first()
        )
        if appointment is None:  # a registry without administrators: appoint one
            person = StaffMember.objects.filter(left_on=None, user=None).order_by("pk").first()
            appointment = appointment_start(
                facility=person.facility, staff_member=person, by=center
            )
        staff_link_login(staff_member=appointment.staff_member, user=admin)
    user = _login("bench-user", password)
    member = (
        StaffMember.objects.filter(
            left_on=None, appointments=None, mcs_accounts__status=McsAccount.Status.ISSUED
        )
        .exclude(pk=appointment.staff_member_id)
        .order_by("pk")
        .first()
    )
    if member.user_id != user.pk:
        StaffMember.objects.filter(user=user).update(user=None)
        staff_link_login(staff_member=member, user=user)
    # seed_scale names staff 試験<n> 職員<facility id>: the last facility's id is no other's
    # prefix, so its last person's full name is one person's at any scale
    last = StaffMember.objects.order_by("-facility_id", "-pk").first()
    now = timezone.localtime()
    # a new applicant's link each run: the token is given only when it is made
    _, token = invitation_create(email="bench-applicant@scale.example", by=center)
    return {
        "logins": {"center": center.username, "admin": admin.username, "user": user.username},
        "facility": appointment.facility_id,
        "person": quote_plus(f"{last.family_name} {last.given_name}"),
        # the access log of seed_scale (office.scale_access_log): a facility's login, a year
        "log_login": f"f{appointment.facility_id:05d}-0",
        "month": f"{now:%Y-%m}",
        "record": last.pk,
        "year_ago": quote_plus(f"{now - datetime.timedelta(days=365):%Y-%m-%dT%H:%M}"),
        "now": quote_plus(f"{now:%Y-%m-%dT%H:%M}"),
        "token": token,
    }


def count_queries(pages, sessions) -> dict:
    counts = {}
    for role, label, path, *fields in pages:  # fields: POSTed (the test client skips CSRF)
        client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
        if role in sessions:  # not an application link's applicant
            client.cookies["sessionid"] = sessions[role]
        send = partial(client.post, data=fields[0]) if fields else client.get
        send(path, secure=True)  # caches warm, as in the timed runs
        with CaptureQueriesContext(connection) as queries:
            response = send(path, secure=True)
        assert response.status_code == 200, (path, response.status_code)
        counts[label] = len(queries)
    return counts
