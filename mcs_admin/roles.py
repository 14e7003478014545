"""The roles of DESIGN §4 that need no database lookup."""


def is_center(user) -> bool:
    """Support-center staff: the admin's users. They see everything, and write only in the admin."""
    return user.is_authenticated and user.is_active and user.is_staff


def may_log_in(user) -> bool:
    """A facility's login works while its staff member is current and their use not restricted
    (a leaver's or a restricted user's sessions end at once: mcs_admin.sessions)."""
    from facilities.models import McsAccount, StaffMember

    person = StaffMember.objects.filter(user=user).first()
    if person is None:
        return True
    if person.left_on is not None:
        return False
    stopped = [McsAccount.Status.RESTRICTED, McsAccount.Status.BANNED]
    return not person.mcs_accounts.filter(status__in=stopped).exists()
