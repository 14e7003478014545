"""The roles of DESIGN §4 that need no database lookup."""


def is_center(user) -> bool:
    """Support-center staff: the admin's users. They see everything, and write only in the admin."""
    return user.is_authenticated and user.is_active and user.is_staff
