"""Every self-service URL, as every role, against objects of facility A and of facility B.

The table says, for each URL, whose page it is and what its allowed users get for GET and for
an empty POST. From it: anonymous is sent to the login page; an object the role may not see
answers 404; a page the role has no use for answers 403; the center reads and never writes.
Every refused request writes nothing. A URL missing from the table fails the test.
"""

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, get_resolver, reverse

from mcs_admin.models import AssociationProfile
from office.manual import chapters
from office.policy import ACCESS, SELF_SERVICE_NAMESPACES
from tests.world import build_world

# whose page: FACILITY (the facility's administrators), GROUP (those who run the group),
# USER (an ID holder's own page), CENTER, ANY (any login), PUBLIC
FACILITY, GROUP, USER, CENTER, ANY, PUBLIC = "facility", "group", "user", "center", "any", "public"

# url name: (whose page, object in the URL, GET answer, empty-POST answer) for a role it is for
MATRIX = {
    "portal:login": (PUBLIC, None, 200, 200),
    "portal:logout": (ANY, None, 405, 302),
    "portal:home": (ANY, None, 302, 405),
    "portal:facilities": (CENTER, None, 200, 405),
    "portal:me": (USER, None, 200, 200),
    "portal:my_pledge": (USER, None, 200, 405),
    "portal:roster": (CENTER, None, 200, 405),
    "portal:roster_download": (CENTER, None, 200, 405),
    "portal:blank_form": (ANY, None, 200, 405),
    "facility:dashboard": (FACILITY, None, 200, 405),
    "facility:staff_list": (FACILITY, None, 200, 405),
    "facility:staff_add": (FACILITY, None, 200, 200),
    "facility:staff_detail": (FACILITY, "staff", 200, 405),
    "facility:staff_edit": (FACILITY, "staff", 200, 200),
    "facility:staff_leave": (FACILITY, "staff", 200, 200),
    "facility:staff_request": (FACILITY, "staff", 200, 200),
    "facility:staff_restrict": (FACILITY, "staff", 200, 200),
    "facility:staff_reinstate": (FACILITY, "staff", 405, 302),
    "facility:id_requests": (FACILITY, None, 200, 405),
    "facility:id_request_step": (FACILITY, "deletion", 405, 302),
    "facility:id_notice": (FACILITY, "issued", 200, 405),
    "facility:application_print": (FACILITY, "application", 200, 405),
    "facility:roster_review": (FACILITY, None, 200, 405),
    "facility:roster_entry_confirm": (FACILITY, "entry", 405, 302),
    "facility:leaves": (FACILITY, None, 200, 405),
    "facility:roster_download": (FACILITY, None, 200, 405),
    "facility:consultations": (FACILITY, None, 200, 405),
    "facility:consultation_add": (FACILITY, None, 200, 200),
    "facility:leave_item_close": (FACILITY, "leave_item", 405, 302),
    "facility:leave_reminder": (FACILITY, "leave", 200, 405),
    "pledges:pledges": (FACILITY, None, 200, 405),
    "pledges:training": (FACILITY, None, 200, 405),
    "pledges:facility_pledge_print": (FACILITY, "facility_pledge", 200, 405),
    "pledges:staff_pledge_print": (FACILITY, "staff_pledge", 200, 405),
    "pledges:staff_pledge_prepare": (FACILITY, "staff", 405, 302),
    "pledges:staff_pledge_sign": (FACILITY, "staff_pledge", 200, 200),
    "pledges:my_pledge_sign": (USER, None, 200, 200),
    "pledges:my_pledge_signed": (USER, None, 302, 405),
    "pledges:manager_change": (FACILITY, None, 200, 200),
    "pledges:staff_pledge_exempt": (FACILITY, "staff", 200, 200),
    "pledges:training_add": (FACILITY, None, 200, 200),
    "pledges:training_edit": (FACILITY, "training", 200, 200),
    "devices:device_list": (FACILITY, None, 200, 405),
    "devices:device_add": (FACILITY, None, 200, 200),
    "devices:device_edit": (FACILITY, "device", 200, 200),
    "devices:device_retire": (FACILITY, "device", 405, 302),
    "devices:device_recover": (FACILITY, "device", 405, 302),
    "devices:carry_out_list": (FACILITY, None, 200, 405),
    "devices:carry_out_acknowledge": (FACILITY, "carry_out", 405, 302),
    "devices:incident_list": (FACILITY, None, 200, 405),
    "devices:incident_detail": (FACILITY, "incident", 200, 405),
    "devices:my_devices": (USER, None, 200, 405),
    "devices:my_carry_outs": (USER, None, 200, 405),
    "devices:carry_out_file": (USER, None, 200, 200),
    "devices:incident_report": (USER, None, 200, 200),
    "devices:my_incidents": (USER, None, 200, 405),
    "groups:group_list": (FACILITY, None, 200, 405),
    "groups:group_add": (FACILITY, None, 200, 200),
    "groups:staff_invitations": (FACILITY, None, 200, 405),
    "groups:invitation_approve": (FACILITY, "staff_invitation", 405, 302),
    "groups:invitation_cancel": (FACILITY, "staff_invitation", 405, 302),
    "groups:group_detail": (GROUP, None, 200, 405),
    "groups:group_invite": (GROUP, None, 200, 200),
    "groups:assembly_request": (GROUP, None, 200, 200),
    "groups:group_consent": (GROUP, None, 200, 200),
    "groups:consent_print": (GROUP, "consent", 200, 405),
    "groups:consent_sign": (USER, "group", 200, 200),
    "groups:consent_signed": (USER, "group", 200, 200),
    "groups:consent_signed_copy": (USER, "group", 302, 405),
    "groups:member_remove": (GROUP, "member", 405, 302),
    "groups:member_role": (GROUP, "member", 405, 302),
    "groups:group_archive": (GROUP, None, 200, 200),
    "groups:my_invitations": (USER, None, 200, 405),
    "groups:invitation_accept": (USER, "user_invitation", 405, 302),
    "groups:invitation_decline": (USER, "user_invitation", 405, 302),
    "groups:my_groups": (USER, None, 200, 405),
    "groups:group_review": (GROUP, None, 200, 405),
    "groups:review_decide": (GROUP, "member", 405, 302),
    "groups:review_complete": (GROUP, None, 405, 302),
    "groups:group_transfer": (GROUP, None, 200, 200),
    "groups:transfer_cancel": (GROUP, None, 405, 302),
    "groups:group_reopen": (GROUP, None, 200, 200),
    "groups:consent_withdraw": (GROUP, None, 200, 200),
    "groups:transfers": (FACILITY, None, 200, 405),
    "groups:transfer_approve": (FACILITY, "transfer_in", 405, 302),
    "groups:transfer_refuse": (FACILITY, "transfer_in", 405, 302),
    "groups:my_group_leave": (USER, "user_invitation", 405, 302),
    "groups:attended_groups": (USER, None, 200, 405),
    "groups:leak_remove": (USER, "member", 405, 302),
    "groups:designations": (GROUP, None, 200, 200),
    "groups:designation_end": (GROUP, "designation", 405, 302),
    "groups:attended_designations": (USER, "group", 200, 200),
    "groups:attended_assembly_request": (USER, "group", 200, 200),
    "groups:attended_designation_end": (USER, "designation", 405, 302),
    "devices:carry_out_return": (FACILITY, "carry_out", 405, 302),
    "devices:my_carry_out_return": (USER, "carry_out", 405, 302),
    "devices:incident_actions": (FACILITY, "incident", 200, 302),
    "devices:incident_close": (FACILITY, "incident", 405, 302),
    "portal:compliance": (CENTER, None, 200, 405),
    # the manual: each login its part (tests/office/test_manual.py); the facilities' is everyone's
    "portal:help": (ANY, None, 200, 405),
    "portal:help_chapter": (ANY, None, 200, 405),
    "portal:help_image": (ANY, None, 200, 405),
    "portal:help_pdf": (ANY, None, 200, 405),
    "notices:notices": (FACILITY, None, 200, 405),
    "notices:notice_detail": (FACILITY, "notice", 200, 405),
    "notices:notice_read": (FACILITY, "notice", 405, 302),
}
# A user's page about one object answers only the object's own person: the invitation and the
# carry-out notice are the side's user's; a member of the side's group is for its attending
# physician (the side's administrator) to remove for a leak; the group's designations to obtain
# its consent are its physician's too.
OWN_OBJECT = {
    "user_invitation": "user",
    "carry_out": "user",
    "member": "admin",
    "group": "admin",
    "designation": "admin",
}
# a chapter of the facilities' part and a picture it shows
MANUAL_PAGE = {
    "part": FACILITY,
    "slug": chapters(FACILITY)[0].slug,
    "name": chapters(FACILITY)[0].images()[0],
}
ROLES = ["anonymous", "center", "admin-a", "admin-b", "user-a", "user-b"]


def self_service_url_names():
    names = set()
    for namespace, (_, resolver) in get_resolver().namespace_dict.items():
        if namespace in SELF_SERVICE_NAMESPACES:
            names |= {
                f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)
            }
    return names


def test_every_self_service_url_is_in_the_table_and_declares_its_access():
    urls = self_service_url_names()
    assert urls == set(MATRIX), "add each new page to MATRIX (and to policy.ACCESS)"
    assert urls <= set(ACCESS)


def history_rows():
    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    )


def url_for(name, side, target):
    """The URL of `name` for the side's objects: its facility, group, or the target object."""
    values = {"facility": side.facility.pk, "group": side.group.pk, "fmt": "csv", "number": 3}
    values |= MANUAL_PAGE
    if target:
        values["pk"] = getattr(side, target).pk
    candidates = [
        ("facility", "pk"),
        ("group", "pk"),
        ("facility", "fmt"),
        ("facility",),
        ("group",),
        ("pk",),
    ]
    for keys in [*candidates, ("fmt",), ("number",), ("part", "slug"), ("name",), ()]:
        if all(key in values for key in keys):
            try:
                return reverse(name, kwargs={key: values[key] for key in keys})
            except NoReverseMatch:
                continue
    raise AssertionError(f"no arguments reverse {name}")


def expected(whose, role, side_name, method, allowed_answer):
    """The answer a role gets; `side_name` is the facility ("a" or "b") the URL's object is of."""
    if whose == PUBLIC:
        return allowed_answer if role == "anonymous" else {200: 302}.get(allowed_answer, 200)
    if role == "anonymous":
        return "login"
    if whose == ANY:
        return allowed_answer
    if whose == CENTER:
        return allowed_answer if role == "center" else 403
    if whose in (FACILITY, GROUP):
        if role == "center":
            return 403 if method == "post" else allowed_answer
        if role.startswith("user-"):
            return 403
        return allowed_answer if role.endswith(side_name) else 404
    # USER pages: every ID holder with a login (administrators too) has them; the center has not
    if role == "center":
        return 403
    return allowed_answer


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_exactly_its_pages(client, name):
    world = build_world()
    # signing on the screen switched on: with it off its pages are refused to all
    # (tests/consents/test_sign_on_screen.py)
    AssociationProfile.objects.filter(pk=1).update(on_screen_signing=True)
    center, side_a, side_b = world.center, world.a, world.b
    whose, target, get_answer, post_answer = MATRIX[name]
    logins = {
        "center": center,
        "admin-a": side_a.admin,
        "admin-b": side_b.admin,
        "user-a": side_a.user,
        "user-b": side_b.user,
    }
    for role in ROLES:
        for side_name, side in (("a", side_a), ("b", side_b)):
            url = url_for(name, side, target)
            for method, allowed in (("get", get_answer), ("post", post_answer)):
                client.logout()
                if role != "anonymous":
                    client.force_login(logins[role])
                want = expected(whose, role, side_name, method, allowed)
                if whose == USER and target and want == allowed and allowed != 405:
                    owner = f"{OWN_OBJECT[target]}-{side_name}"
                    want = allowed if role == owner else 404
                before = history_rows()
                response = getattr(client, method)(url)
                got = response.status_code
                # no answer stays in the browser's cache
                # (issue 16, tests/mcs_admin/test_cache_control.py)
                assert "no-store" in response["Cache-Control"], (role, method, url)
                if want == "login":
                    assert got == 302 and response.url.startswith(reverse("portal:login")), (
                        role,
                        method,
                        url,
                    )
                else:
                    assert got == want, (role, side_name, method, url, got, want)
                if got not in (200, 302) or want == "login" or (method == "post" and got == 200):
                    assert history_rows() == before, (role, method, url, "wrote something")
