import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from mcs_admin.choices import Gender, Profession
from mcs_admin.constraints import ChecksInPython, dates_in_order
from mcs_admin.dates import shown_date
from mcs_admin.fields import (
    EmailField,
    KanaField,
    NormalizedCharField,
    PhoneField,
    PostalCodeField,
    actor,
)
from mcs_admin.history import History
from mcs_admin.models import NumberedDocument, PersonName


class Category(models.TextChoices):
    """独自ルール 9: the 18 kinds of facility that take part in MCS."""

    HOSPITAL_CLINIC = "hospital_clinic", _("hospital or clinic")
    DENTAL = "dental", _("dental clinic")
    PHARMACY = "pharmacy", _("pharmacy")
    COMMUNITY_SUPPORT = "community_support", _("community comprehensive support center")
    CARE_PLANNING = "care_planning", _("designated in-home care support office")
    HOME_HELP = "home_help", _("home-visit care")
    HOME_BATHING = "home_bathing", _("home-visit bathing")
    HOME_NURSING = "home_nursing", _("home-visit nursing")
    HOME_REHABILITATION = "home_rehabilitation", _("home-visit rehabilitation")
    DAY_CARE = "day_care", _("day care office")
    DAY_REHABILITATION = "day_rehabilitation", _("day rehabilitation")
    SHORT_STAY_DAILY = "short_stay_daily", _("short-term stay for daily life care")
    SHORT_STAY_MEDICAL = "short_stay_medical", _("short-term stay for medical care")
    WELFARE_EQUIPMENT = "welfare_equipment", _("welfare equipment rental and sale")
    REGULAR_VISITS = "regular_visits", _("regular and on-demand home-visit care and nursing")
    DEMENTIA_DAY_CARE = "dementia_day_care", _("day care for dementia")
    SMALL_MULTIFUNCTION = "small_multifunction", _("small-scale multifunctional home care")
    NURSING_SMALL_MULTIFUNCTION = (
        "nursing_small_multifunction",
        _("nursing small-scale multifunctional home care"),
    )


class Facility(models.Model):
    class Status(models.TextChoices):
        APPLYING = "applying", _("applying")
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        WITHDRAWN = "withdrawn", _("left MCS")

    name = NormalizedCharField(_("facility name"), max_length=100)
    name_kana = KanaField(_("facility name (kana)"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    postal_code = PostalCodeField(_("postal code"), blank=True)
    address = NormalizedCharField(_("address"), max_length=200, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    fax = PhoneField(_("fax"), blank=True)
    email = EmailField(_("e-mail"), blank=True)
    manager_name = NormalizedCharField(
        _("manager name"),
        max_length=60,
        blank=True,
        help_text=_("The facility's manager (管理者)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLYING
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    joined_on = models.DateField(_("joined MCS on"), null=True, blank=True)
    left_on = models.DateField(_("left MCS on"), null=True, blank=True)
    workflow_fields = ["status", "joined_on", "left_on"]
    history = History()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name_kana", "name"]
        # granted on one facility to its MCS administrators, only by the appointment services
        permissions = [("administer_facility", _("Can administer the facility in MCS"))]
        indexes = [
            models.Index(fields=["status", "category"]),
            # the order of every list of facilities: a page reads its rows, no sort of them all
            models.Index(fields=["name_kana", "name"], name="facility_list_order"),
        ]
        constraints = [
            dates_in_order(
                "applied_on",
                "joined_on",
                name="facility_joined_after_applied",
                message=_("The joining date cannot be before the application date."),
            ),
            dates_in_order(
                "joined_on",
                "left_on",
                name="facility_left_after_joined",
                message=_("The leaving date cannot be before the joining date."),
            ),
        ]

    def __str__(self):
        return self.name


class FacilityUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct foreign-key permission table: fast joins on PostgreSQL."""

    content_object = models.ForeignKey(Facility, on_delete=models.CASCADE)
    history = History()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("facility permission of a login")
        verbose_name_plural = _("facility permissions of logins")


class FacilityGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Facility, on_delete=models.CASCADE)
    history = History()

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("facility permission of a role group")
        verbose_name_plural = _("facility permissions of role groups")


class UsageApplication(NumberedDocument):
    """利用申込書 (別紙様式1): a facility's application to use MCS, with its roster."""

    form_number = 1
    facility_path = "facility"

    class Status(models.TextChoices):
        PREPARED = "prepared", _("not yet received")
        RECEIVED = "received", _("received")
        CHECKED = "checked", _("checked")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREPARED
    )
    prepared_on = models.DateField(_("prepared on"), default=timezone.localdate)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = actor(_("decided by"))
    note = models.TextField(_("note"), blank=True)
    workflow_fields = ["status", "received_on", "decided_on"]
    history = History()

    class Meta:
        verbose_name = _("usage application (form 1)")
        verbose_name_plural = _("usage applications (form 1)")
        ordering = ["-prepared_on", "-pk"]
        indexes = [NumberedDocument.paper_out_index("application_paper_out")]
        constraints = [
            *NumberedDocument.paper_constraints(
                received_after_prepared="application_received_after_prepared",
                too_early=_("The application cannot be received before it was prepared."),
            ),
            dates_in_order(
                "received_on",
                "decided_on",
                name="application_decided_after_received",
                message=_("The application cannot be decided before it was received."),
            ),
        ]

    def __str__(self):
        return _("Application of %(facility)s (%(date)s)") % {
            "facility": self.facility,
            "date": shown_date(self.prepared_on),
        }


class ApplicationRosterLine(PersonName):
    """One line of the application's roster (利用者名簿): 職種, 氏名, 性別, メールアドレス."""

    application = models.ForeignKey(
        UsageApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="roster_lines",
    )
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices)
    email = EmailField(_("e-mail"))
    is_administrator = models.BooleanField(
        _("MCS administrator"),
        default=False,
        help_text=_("Appointed MCS administrator when the application is approved."),
    )
    history = History()

    class Meta:
        verbose_name = _("roster line")
        verbose_name_plural = _("roster lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "email"],
                name="roster_line_unique_email",
                violation_error_message=_("This e-mail address is already on the roster."),
            ),
        ]

    def __str__(self):
        return self.full_name


class ApplicationInvitation(models.Model):
    """The center's invitation to a prospective facility to apply online (様式1, 様式2): a link,
    tied to one e-mail address, that works until it is used (the application is submitted) or
    expires. Only the digest of the link's token is kept: the link is shown once, to send."""

    email = EmailField(_("e-mail"))
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = actor(_("invited by"))
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    # what the applicant typed so far, as the online forms cleaned it, to come back to
    draft = models.JSONField(_("entries saved"), default=dict, blank=True, editable=False)
    saved_at = models.DateTimeField(_("last saved at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    application = models.OneToOneField(
        UsageApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitation",
    )
    workflow_fields = ["saved_at", "submitted_at", "application"]
    history = History()

    class Meta:
        verbose_name = _("application invitation")
        verbose_name_plural = _("application invitations")
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("invited_at")),
                name="invitation_expires_after_invited",
                violation_error_message=_("An invitation expires after it was sent."),
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True, application__isnull=True)
                | models.Q(submitted_at__isnull=False, application__isnull=False),
                name="invitation_submitted_with_application",
                violation_error_message=_("A submitted invitation has its application."),
            ),
        ]

    def __str__(self):
        return _("Invitation to %(email)s (%(date)s)") % {
            "email": self.email,
            "date": shown_date(self.invited_at),
        }

    def change_reason(self) -> str:
        """What the history entries of the applicant's writes say: no login made them."""
        return _("Through the application link sent to %(email)s") % {"email": self.email}

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def closed_reason(self) -> str | None:
        """Why the link no longer opens the application's pages, or None while it does."""
        if self.submitted_at is not None:
            return _(
                "This link was already used: the application was sent on %(date)s. "
                "Ask the support center if you need anything more."
            ) % {"date": shown_date(self.submitted_at)}
        if timezone.now() >= self.expires_at:
            return _(
                "This link expired on %(date)s. Ask the support center for a new invitation."
            ) % {"date": shown_date(self.expires_at)}
        return None


class StaffMember(ChecksInPython, PersonName):
    """A person at a facility; a person at two facilities has a StaffMember at each."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="staff"
    )
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices)
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, default=Gender.UNSPECIFIED
    )
    email = EmailField(_("e-mail"), blank=True)
    address = NormalizedCharField(
        _("address"),
        max_length=200,
        blank=True,
        help_text=_("Printed on the staff pledge (form 3)."),
    )
    joined_on = models.DateField(_("employed from"), null=True, blank=True)
    left_on = models.DateField(_("left the facility on"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_member",
        help_text=_("The login of this system, for MCS administrators and users."),
    )
    workflow_fields = ["left_on"]
    history = History()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["family_name_kana", "given_name_kana", "pk"]
        indexes = [
            models.Index(fields=["family_name_kana", "given_name_kana", "id"]),
            models.Index(fields=["facility", "left_on"]),
        ]
        constraints = [
            dates_in_order(
                "joined_on",
                "left_on",
                name="staff_left_after_joined",
                message=_("The leaving date cannot be before the joining date."),
            ),
        ]

    def __str__(self):
        return self.full_name


class McsAccount(ChecksInPython, models.Model):
    """A staff member's MCS ID. MCS passwords are never stored here, only when they changed."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ISSUED = "issued", _("issued")
        RESTRICTED = "restricted", _("restricted")
        BANNED = "banned", _("banned")
        DELETION_PENDING = "deletion_pending", _("deletion pending")
        DELETED = "deleted", _("deleted")

    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="mcs_accounts",
    )
    login_id = models.CharField(
        _("MCS login id"),
        max_length=254,
        blank=True,
        help_text=_("Given by the support center when the ID is issued."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    deleted_on = models.DateField(_("deleted on"), null=True, blank=True)
    password_changed_on = models.DateField(_("MCS password last changed on"), null=True, blank=True)
    status_reason = models.TextField(
        _("reason for the status"), blank=True, help_text=_("Why it was restricted or banned.")
    )

    workflow_fields = [
        "status",
        "requested_on",
        "issued_on",
        "deleted_on",
        "status_reason",
    ]
    history = History()

    class Meta:
        verbose_name = _("MCS ID")
        verbose_name_plural = _("MCS IDs")
        ordering = ["login_id", "pk"]
        indexes = [
            models.Index(fields=["status", "password_changed_on"]),
            models.Index(fields=["login_id", "id"]),
            # IDs issued and deleted in a period (the council's report, the dashboard's months)
            models.Index(fields=["issued_on"]),
            models.Index(
                fields=["deleted_on"],
                condition=models.Q(deleted_on__isnull=False),
                name="mcsaccount_deleted_on",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member"],
                condition=~models.Q(status="deleted"),
                name="one_open_account_per_staff",
                violation_error_message=_("This staff member already has an MCS ID in use."),
            ),
            models.UniqueConstraint(
                fields=["login_id"],
                condition=~models.Q(status="deleted") & ~models.Q(login_id=""),
                name="login_id_unique_among_open",
                violation_error_message=_("This MCS login id is already in use."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="requested") | ~models.Q(login_id=""),
                name="issued_account_has_login_id",
                violation_error_message=_("An issued MCS ID needs its login id."),
            ),
            dates_in_order(
                "requested_on",
                "issued_on",
                name="account_issued_after_requested",
                message=_("The ID cannot be issued before it was requested."),
            ),
            dates_in_order(
                "issued_on",
                "deleted_on",
                name="account_deleted_after_issued",
                message=_("The ID cannot be deleted before it was issued."),
            ),
        ]

    def __str__(self):
        return self.login_id or _("(requested for %(name)s)") % {"name": self.staff_member}


class IdRequest(models.Model):
    """独自ルール 3: a facility asks the support center to issue, delete or change an ID."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("issue")
        DELETE = "delete", _("deletion")
        CHANGE = "change", _("change")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        REJECTED = "rejected", _("rejected")

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="id_requests"
    )
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="id_requests",
    )
    account = models.ForeignKey(
        McsAccount,
        verbose_name=_("MCS ID"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    details = models.TextField(_("details"), blank=True, help_text=_("What is to change."))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = actor(_("requested by"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = actor(_("handled by"))
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # A deletion is a tracked task: since 2026 MCS's operator deletes no account; the holder
    # deletes their own, or the facility's administrator removes them from its staff
    # (スタッフ解除). Who confirmed each step and when is kept; the center then confirms the ID
    # is gone, which closes the request.
    released_at = models.DateTimeField(
        _("removed from the facility's staff at"), null=True, blank=True
    )
    released_by = actor(_("removal from the staff confirmed by"))
    holder_deleted_at = models.DateTimeField(
        _("account deleted by its holder at"), null=True, blank=True
    )
    holder_deleted_by = actor(_("deletion by the holder confirmed by"))

    workflow_fields = [
        "status",
        "handled_at",
        "rejection_reason",
        "released_at",
        "holder_deleted_at",
    ]
    history = History()

    class Meta:
        verbose_name = _("ID request")
        verbose_name_plural = _("ID requests")
        ordering = ["requested_at"]
        indexes = [
            models.Index(fields=["status", "requested_at"]),
            # the admin's list as it orders it (Django adds -pk): 50 rows read, not all sorted
            models.Index(fields=["requested_at", "-id"], name="idrequest_list_order"),
        ]
        constraints = [
            dates_in_order(
                "requested_at",
                "handled_at",
                name="id_request_handled_after_requested",
                message=_("A request cannot be handled before it was made."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="id_request_rejection_has_reason",
                violation_error_message=_("A rejected request needs its reason."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(handled_at__isnull=False),
                name="id_request_handled_has_time",
                violation_error_message=_("A handled request needs the time it was handled."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.staff_member}"


class Leave(models.Model):
    """A leaver's checklist (留意事項 (1)(3)): complete only when every item is done or waived."""

    class Reason(models.TextChoices):
        LEFT = "left", _("left the facility")
        NOT_IN_CHARGE = "not_in_charge", _("no longer in charge")

    staff_member = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="leaves"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    workflow_fields = ["completed_on"]
    history = History()

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leaves")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member"],
                condition=models.Q(completed_on__isnull=True),
                name="one_open_leave_per_person",
                violation_error_message=_("This person's leave is already open."),
            ),
            dates_in_order(
                "opened_on",
                "completed_on",
                name="leave_completed_after_opened",
                message=_("A leave cannot be completed before it was opened."),
            ),
        ]

    def __str__(self):
        return f"{self.staff_member}: {self.get_reason_display()}"


class LeaveItem(models.Model):
    class Kind(models.TextChoices):
        ID_DELETION = "id_deletion", _("MCS ID deletion requested")
        GROUPS = "groups", _("removed from every group")
        DEVICES = "devices", _("lent devices returned")
        PLEDGE_REMINDER = "pledge_reminder", _("reminder of the pledge's duty after leaving given")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        WAIVED = "waived", _("waived")

    leave = models.ForeignKey(
        Leave, verbose_name=_("leave"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("item"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Why an item was waived."))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = actor(_("closed by"))
    workflow_fields = ["status", "closed_at"]
    history = History()

    class Meta:
        verbose_name = _("leave item")
        verbose_name_plural = _("leave items")
        ordering = ["leave", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["leave", "kind"],
                name="leave_item_once",
                violation_error_message=_("This item is already on the checklist."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="waived") | ~models.Q(note=""),
                name="waived_item_has_reason",
                violation_error_message=_("Say why the item is waived."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_status_display()}"


class RosterReview(models.Model):
    """ID棚卸 (独自ルール 2): one facility's review round of its ID holders."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        COMPLETED = "completed", _("completed")

    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="roster_reviews",
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    due_on = models.DateField(_("due on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    workflow_fields = ["status", "completed_on"]
    history = History()

    class Meta:
        verbose_name = _("roster review")
        verbose_name_plural = _("roster reviews")
        ordering = ["-opened_on", "pk"]
        # the rounds due in a period (the council's report)
        indexes = [models.Index(fields=["due_on"])]
        constraints = [
            dates_in_order(
                "opened_on",
                "due_on",
                name="roster_review_due_after_opened",
                message=_("The due date cannot be before the opening date."),
            ),
            dates_in_order(
                "opened_on",
                "completed_on",
                name="roster_review_completed_after_opened",
                message=_("The review cannot be completed before it was opened."),
            ),
        ]

    def __str__(self):
        return _("Roster review of %(facility)s due %(date)s") % {
            "facility": self.facility,
            "date": shown_date(self.due_on),
        }


class RosterReviewEntry(models.Model):
    """The outcome for one ID holder in a roster review."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("not yet confirmed")
        CURRENT = "current", _("current")
        LEFT = "left", _("left the facility")
        NOT_IN_CHARGE = "not_in_charge", _("no longer in charge")

    review = models.ForeignKey(
        RosterReview,
        verbose_name=_("roster review"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    account = models.ForeignKey(
        McsAccount, verbose_name=_("MCS ID"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = actor(_("confirmed by"))
    workflow_fields = ["outcome", "confirmed_at"]
    history = History()

    class Meta:
        verbose_name = _("roster review entry")
        verbose_name_plural = _("roster review entries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "account"],
                name="roster_review_entry_unique",
                violation_error_message=_("This ID is already in the review."),
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.get_outcome_display()}"


class AdministratorAppointment(ChecksInPython, models.Model):
    """第7条: who is MCS administrator of which facility, from when to when."""

    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    started_on = models.DateField(_("appointed on"), default=timezone.localdate)
    ended_on = models.DateField(_("appointment ended on"), null=True, blank=True)
    workflow_fields = ["ended_on"]
    history = History()

    class Meta:
        verbose_name = _("MCS administrator appointment")
        verbose_name_plural = _("MCS administrator appointments")
        ordering = ["facility__name_kana", "-started_on"]
        constraints = [
            dates_in_order(
                "started_on",
                "ended_on",
                name="appointment_ends_after_start",
                message=_("An appointment cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["facility", "staff_member"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_appointment_per_person",
                violation_error_message=_("This person is already an MCS administrator here."),
            ),
        ]

    def __str__(self):
        return f"{self.staff_member} ({self.facility})"

    def clean(self):
        if (
            self.staff_member_id
            and self.facility_id
            and (self.staff_member.facility_id != self.facility_id)
        ):
            raise ValidationError(
                {"staff_member": _("The administrator must be a staff member of this facility.")}
            )


# 独自ルール 4: the center answers a consultation, or passes a complaint on to the attending
# physician, within this many days of receiving it (the due date is kept on each row, so the
# center may give one more time)
CONSULTATION_ANSWER_DAYS = 14


class Consultation(models.Model):
    """独自ルール 4: consultations go to the center, complaints to the attending physician.

    received → answered (the response recorded; for a complaint, that it was passed on to the
    attending physician) → closed, each step by the center (`facilities.services.consultations`).
    """

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("consultation")
        COMPLAINT = "complaint", _("complaint about personal information")

    class ReferredTo(models.TextChoices):
        SUPPORT_CENTER = "support_center", _("support center")
        ATTENDING_PHYSICIAN = "attending_physician", _("attending physician")

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("consultation", "received")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    contact_name = NormalizedCharField(_("contact person"), max_length=100)
    summary = models.TextField(_("summary"))
    referred_to = models.CharField(_("referred to"), max_length=30, choices=ReferredTo.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    due_on = models.DateField(_("answer due on"))
    response = models.TextField(_("response"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    handled_by = actor(_("handled by"))
    workflow_fields = ["status", "response", "answered_at", "closed_at"]
    history = History()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations and complaints")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            dates_in_order(
                "received_at",
                "closed_at",
                name="consultation_closed_after_received",
                message=_("A consultation cannot be closed before it was received."),
            ),
            dates_in_order(
                "received_at",
                "answered_at",
                name="consultation_answered_after_received",
                message=_("A consultation cannot be answered before it was received."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="received") | models.Q(answered_at__isnull=False),
                name="answered_consultation_has_time",
                violation_error_message=_(
                    "An answered consultation needs the time it was answered."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="closed_consultation_has_time",
                violation_error_message=_("A closed consultation needs the time it was closed."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="complaint") | models.Q(referred_to="attending_physician"),
                name="complaint_goes_to_physician",
                violation_error_message=_(
                    "Complaints about personal information go to the attending physician."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.contact_name})"

    @property
    def overdue(self) -> bool:
        """Not answered by its due date (`facilities.selectors.overdue_consultations`)."""
        return self.status == self.Status.RECEIVED and self.due_on < timezone.localdate()


class ProfessionSynonym(models.Model):
    """職種 as old rosters write it (Ns, ナース, ケアマネ …), kept by the support center.

    Spreadsheet imports read a 職種 cell as a profession's code or Japanese name, or as a term
    of this table (letter case aside).
    """

    term = NormalizedCharField(_("term"), max_length=40)
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices)
    history = History()

    class Meta:
        verbose_name = _("profession synonym")
        verbose_name_plural = _("profession synonyms")
        ordering = ["profession", "term"]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="profession_synonym_unique_term",
                violation_error_message=_("This term is already in the table."),
            ),
        ]

    def __str__(self):
        return f"{self.term} → {self.get_profession_display()}"
