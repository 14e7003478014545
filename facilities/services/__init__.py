"""The facilities app's writes, one workflow a module, all importable from here."""

from facilities.selectors import open_account, require_administrator, require_center
from facilities.services.accounts import (
    account_issue,
    account_update,
    has_pledge,
    login_id_check,
    login_id_reusable_on,
    pledge_check,
)
from facilities.services.applications import (
    application_approve,
    application_check,
    application_reject,
    facility_withdraw,
    withdrawal_open_items,
)
from facilities.services.id_requests import (
    id_request_change,
    id_request_confirm_deleted,
    id_request_confirm_step,
    id_request_create,
    id_request_issue,
    id_request_reject,
)
from facilities.services.leaves import leave_item_close, leave_open, staff_mark_left
from facilities.services.records import (
    administrator_record,
    mcs_account_check,
    mcs_account_record,
    staff_record_new,
)
from facilities.services.registry import (
    FACILITY_FIELDS,
    facility_lift_suspension,
    facility_suspend,
    facility_update,
)
from facilities.services.roster_reviews import (
    roster_entry_confirm,
    roster_review_open,
    roster_review_open_round,
)
from facilities.services.staff import (
    STAFF_FIELDS,
    account_record_password_change,
    account_reinstate,
    account_restrict,
    appointment_end,
    appointment_start,
    staff_create,
    staff_link_login,
    staff_update,
    sync_administrator_permissions,
)

__all__ = [
    "FACILITY_FIELDS",
    "STAFF_FIELDS",
    "account_issue",
    "account_record_password_change",
    "account_reinstate",
    "account_restrict",
    "account_update",
    "administrator_record",
    "application_approve",
    "application_check",
    "application_reject",
    "appointment_end",
    "appointment_start",
    "facility_lift_suspension",
    "facility_suspend",
    "facility_update",
    "facility_withdraw",
    "has_pledge",
    "id_request_change",
    "id_request_confirm_deleted",
    "id_request_confirm_step",
    "id_request_create",
    "id_request_issue",
    "id_request_reject",
    "leave_item_close",
    "leave_open",
    "login_id_check",
    "login_id_reusable_on",
    "mcs_account_check",
    "mcs_account_record",
    "open_account",
    "pledge_check",
    "require_administrator",
    "require_center",
    "roster_entry_confirm",
    "roster_review_open",
    "roster_review_open_round",
    "staff_create",
    "staff_link_login",
    "staff_mark_left",
    "staff_record_new",
    "staff_update",
    "sync_administrator_permissions",
    "withdrawal_open_items",
]
