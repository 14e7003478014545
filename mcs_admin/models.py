import datetime

import simple_history
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractUser, Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.db.models.expressions import DatabaseDefault, RawSQL
from django.db.models.functions import Length, Now
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mcs_admin import access_chain, normalize
from mcs_admin.constraints import dates_in_order
from mcs_admin.fields import (
    EmailField,
    KanaField,
    NormalizedCharField,
    PhoneField,
    PostalCodeField,
)
from mcs_admin.history import History
from mcs_admin.uploads import ScannedCopyField


class User(AbstractUser):
    """A login of this system: support-center staff, or a facility's administrator or user.

    A facility administrator's or user's login is tied to their StaffMember
    (`StaffMember.user`); support-center staff are `is_staff` and work in the admin.
    """

    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for a one-time initial password: the login chooses its own first."),
    )
    # Part of every session's hash: a new value ends all the login's sessions at once.
    session_epoch = models.CharField(max_length=32, blank=True, editable=False)

    history = History(excluded_fields=["password", "last_login", "session_epoch"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("login")
        verbose_name_plural = _("logins")

    def _get_session_auth_hash(self, secret=None):
        key_salt = "mcs_admin.models.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def get_full_name(self):
        """姓 名, as Japanese names are written (Django's default is 名 姓)."""
        return f"{self.last_name} {self.first_name}".strip()

    def __str__(self):
        name = self.get_full_name()
        return f"{name} ({self.username})" if name else self.username


class DateStyle(models.TextChoices):
    """How screens, e-mails and the roster PDF write dates (mcs_admin.dates)."""

    WESTERN = "western", _("Western calendar (2026年12月3日)")
    ERA = "era", _("Japanese era (令和8年12月3日)")


class AssociationProfile(models.Model):
    """The association running the system: printed on every form, never a literal in code.

    There is exactly one row (a check constraint pins its key to 1); `load()` returns it.
    """

    name = NormalizedCharField(_("association name"), max_length=100)
    chair_title = NormalizedCharField(_("title of the chair"), max_length=30, default="会長")
    chair_name = NormalizedCharField(_("name of the chair"), max_length=60)
    support_center_name = NormalizedCharField(_("support center"), max_length=100)
    council_name = NormalizedCharField(_("council"), max_length=100, blank=True)
    postal_code = PostalCodeField(_("postal code"), blank=True)
    address = NormalizedCharField(_("address"), max_length=200, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    email = EmailField(_("e-mail"), blank=True)
    membership_review_interval_months = models.PositiveSmallIntegerField(
        _("membership review interval (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("How often each group's owner reviews its members (留意事項 (1))."),
    )
    roster_review_interval_months = models.PositiveSmallIntegerField(
        _("roster review interval (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("How often each facility confirms its ID holders (独自ルール 2)."),
    )
    training_interval_months = models.PositiveSmallIntegerField(
        _("training interval (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("After how long an ID holder's last training is overdue (第9条)."),
    )
    confirmation_interval_months = models.PositiveSmallIntegerField(
        _("yearly confirmation interval (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "Empty: no periodic confirmation. Set: every facility signs form 2 again this "
            "many months after the last round of pledges (a confirmation of participation)."
        ),
    )
    mcs_password_max_age_days = models.PositiveSmallIntegerField(
        _("MCS password maximum age (days)"),
        default=60,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_("第11条(3): an MCS password is changed at least every two months."),
    )
    paper_return_days = models.PositiveSmallIntegerField(
        _("days for a printed form to come back"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "A printed form (様式1–4) not received this many days after it was prepared is "
            "listed as not returned and reminded to its facility."
        ),
    )
    notice_reminder_days = models.PositiveSmallIntegerField(
        _("days before an unread notice is reminded"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "A notice from the support center that a facility has not confirmed reading this "
            "many days after it was published is reminded to the facility's MCS administrators."
        ),
    )
    date_style = models.CharField(
        _("dates on screens"),
        max_length=10,
        choices=DateStyle.choices,
        default=DateStyle.WESTERN,
        help_text=_(
            "How screens, e-mails and the roster PDF write dates. The forms keep their own "
            "(令和 on 様式1–3, 西暦 on 様式4) and spreadsheets keep ISO dates."
        ),
    )
    on_screen_signing = models.BooleanField(
        _("signing on the screen"),
        default=False,
        help_text=_(
            "On: a consent (form 4) or a staff pledge (form 3) may be signed on a tablet's "
            "screen and sealed as a signed PDF, beside the printed form. Off: that path is "
            "hidden and refused."
        ),
    )
    history = History()

    # how far ahead a review's or a password's due date counts as "due" in reminders and lists
    REVIEW_NOTICE_DAYS = 14
    PASSWORD_NOTICE_DAYS = 7

    class Meta:
        verbose_name = _("association profile")
        verbose_name_plural = _("association profile")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1),
                name="association_profile_singleton",
                violation_error_message=_("There is only one association profile."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "AssociationProfile":
        """The profile, or its defaults (intervals, maximum ages) while none is recorded."""
        return cls.objects.filter(pk=1).first() or cls()

    def password_overdue_before(self, today: datetime.date) -> datetime.date:
        """An MCS password changed before this day is older than the maximum age (第11条(3))."""
        return today - datetime.timedelta(days=self.mcs_password_max_age_days)

    def paper_overdue_since(self, today: datetime.date) -> datetime.date:
        """A form prepared on or before this day and still not received is not returned."""
        return today - datetime.timedelta(days=self.paper_return_days)

    def training_due_since(self, today: datetime.date) -> datetime.date:
        """An ID holder trained before this day is due again (第9条)."""
        return today - relativedelta(months=self.training_interval_months)

    def confirmation_due(self, last_opened: datetime.date | None, today: datetime.date) -> bool:
        """Whether a confirmation round is due: the interval is set and has passed since the
        last round of pledges opened (at once when there was none)."""
        if self.confirmation_interval_months is None:
            return False
        if last_opened is None:
            return True
        return last_opened + relativedelta(months=self.confirmation_interval_months) <= today

    @classmethod
    def load(cls) -> "AssociationProfile":
        profile = cls.objects.filter(pk=1).first()
        if profile is None:
            raise cls.DoesNotExist(
                "No association profile: run `manage.py seed_demo` or add it in the admin."
            )
        return profile


class PolicyVersion(models.Model):
    """A version of the association's policy, as its 附則 records them: 第1条 the first in force,
    each later article an amendment. Pledges name the version they were signed under.

    An amendment may change a form's wording: the new wording ships with the system as a new
    template of the form (`mcs_admin.pdf.PrintedForm.wordings`) and the version names it here;
    a form it does not change keeps the earlier version's wording.
    """

    effective_on = models.DateField(_("effective on"))
    label = NormalizedCharField(
        _("label"),
        max_length=100,
        help_text=_("As the 附則 says it, e.g. 平成29年1月27日一部変更."),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("What the amendment changes."))
    form2_wording = models.PositiveSmallIntegerField(
        _("wording of form 2"),
        default=1,
        help_text=_("Which template of form 2 this version prints (1: the original wording)."),
    )
    form3_wording = models.PositiveSmallIntegerField(
        _("wording of form 3"),
        default=1,
        help_text=_("Which template of form 3 this version prints (1: the original wording)."),
    )
    history = History()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["effective_on"],
                name="policy_version_once_a_day",
                violation_error_message=_("A version of the policy takes effect on this day."),
            ),
            models.CheckConstraint(
                condition=Q(form2_wording__gte=1) & Q(form3_wording__gte=1),
                name="policy_version_wording_numbered",
                violation_error_message=_("A form's wording is numbered from 1."),
            ),
        ]

    def __str__(self):
        return self.label

    @classmethod
    def current(cls, today: datetime.date | None = None) -> "PolicyVersion | None":
        """The version in force on `today`: the last to have taken effect."""
        today = today or timezone.localdate()
        return cls.objects.filter(effective_on__lte=today).order_by("-effective_on").first()

    def wording(self, form_number: int) -> int:
        """Which wording of form `form_number` this version prints (1 for a form it leaves)."""
        return getattr(self, f"form{form_number}_wording", 1)


class PolicyVersioned(models.Model):
    """A form signed under a version of the policy: the version prints in the form's corner
    and chooses its wording; a new record takes the version in force."""

    policy_version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.PROTECT,
        blank=True,  # given on saving: the version in force
        related_name="+",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # On saving rather than as a default, which would read the database whenever a record
        # is made in memory; rows created in bulk name their version themselves.
        if self.policy_version_id is None:
            self.policy_version = PolicyVersion.current()
        super().save(*args, **kwargs)


class PersonName(models.Model):
    """姓・名 with their readings, as the forms and the roster ask for them."""

    family_name = NormalizedCharField(_("family name"), max_length=30)
    given_name = NormalizedCharField(_("given name"), max_length=30)
    family_name_kana = KanaField(_("family name (kana)"), max_length=60, blank=True)
    given_name_kana = KanaField(_("given name (kana)"), max_length=60, blank=True)

    class Meta:
        abstract = True

    def _full_name(self) -> str:
        return normalize.full_name(self.family_name, self.given_name)

    def _full_name_kana(self) -> str:
        return normalize.full_name(self.family_name_kana, self.given_name_kana)

    # short_description titles the admin's list columns
    _full_name.short_description = _("full name")
    _full_name_kana.short_description = _("full name (kana)")
    full_name = property(_full_name)
    full_name_kana = property(_full_name_kana)


# Role groups (e.g. the support center's) and their permissions keep history like the rest.
simple_history.register(Group, app="mcs_admin", m2m_fields=["permissions"], records_class=History)


class AccessLogQuerySet(models.QuerySet):
    def naming(self, pk: int) -> "AccessLogQuerySet":
        """The entries whose records include `pk` ("who saw this record"): on PostgreSQL by
        the GIN index of `target_ids` (migration 0012), on SQLite through json_each."""
        if connections[self.db].vendor == "postgresql":
            return self.filter(target_ids__contains=[pk])
        named = RawSQL(
            f"EXISTS (SELECT 1 FROM json_each({self.model._meta.db_table}.target_ids) "
            "WHERE json_each.value = %s)",
            [pk],
            output_field=models.BooleanField(),
        )
        return self.alias(named=named).filter(named=True)


class AccessLog(models.Model):
    """Who printed, exported, imported or viewed what, when and from where.

    Append-only and separate from the model history: the application only ever adds rows
    (`mcs_admin.services.access_log_record`), and the admin shows them read-only. Each row is
    chained to the one before by its `hash` (`mcs_admin.access_chain`), its time and key taken
    where the chain is computed: on PostgreSQL by the insert trigger from the server's clock,
    on SQLite by `save`.
    """

    class Action(models.TextChoices):
        PRINT = "print", _("print")
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")
        VIEW = "view", _("view")
        LOGIN = "login", _("log in")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")
        LOGIN_CREATED = "login_created", _("login created")
        SECOND_FACTOR_RESET = "second_factor_reset", _("second factor reset")
        DISCLOSURE = "disclosure", _("disclosure of a person's data")
        USE_STOPPED = "use_stopped", _("use of a person's data stopped")
        RESTORE = "restore", _("restore of a backup")
        VERIFICATION = "verification", _("verification of the access log")

    # given by the database (and returned by the insert), never by the caller
    at = models.DateTimeField(_("at"), db_default=Now(), db_index=True)
    user = models.ForeignKey(
        "mcs_admin.User",
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("login name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target_type = models.CharField(_("kind of record"), max_length=100, blank=True)
    target_ids = models.JSONField(_("records"), default=list, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    hash = models.CharField(_("hash"), max_length=64, db_default="", editable=False)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "at"]),
            models.Index(fields=["target_type", "at"]),
            models.Index(fields=["username", "at"]),
            models.Index(fields=["action", "at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("the access log is append-only")
        using = kwargs.get("using") or router.db_for_write(AccessLog, instance=self)
        if connections[using].vendor == "postgresql":
            self._time_from_the_server()
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=using):
            AccessLog._chain([self], using)
            super().save(*args, **kwargs)

    @classmethod
    def append(cls, entries: list["AccessLog"], *, using: str | None = None) -> list["AccessLog"]:
        """Adds the entries in one INSERT, chained in their order exactly as `save` chains one
        (a page's kinds of record: one statement, not one per kind)."""
        if not entries:
            return []
        using = using or router.db_for_write(cls)
        if connections[using].vendor == "postgresql":
            # the insert trigger runs for each row of the statement in turn, as for one. The
            # statement is atomic by itself: inserted as `save` inserts (`_insert`), not by
            # bulk_create, whose transaction would add a BEGIN and a COMMIT to the page
            for entry in entries:
                entry._time_from_the_server()
            opts = cls._meta
            returned = opts.db_returning_fields
            rows = cls._base_manager.using(using)._insert(
                entries,
                fields=[field for field in opts.concrete_fields if field is not opts.pk],
                returning_fields=returned,
                using=using,
            )
            for entry, values in zip(entries, rows, strict=True):
                for field, value in zip(returned, values, strict=True):
                    setattr(entry, field.attname, value)
                entry._state.adding, entry._state.db = False, using
            return entries
        with transaction.atomic(using=using):
            cls._chain(entries, using)
            return cls.objects.using(using).bulk_create(entries)

    def _time_from_the_server(self) -> None:
        # the statement's time picks the row's monthly partition; the trigger gives it the
        # clock's and chains it (a time given here would choose another month)
        at = AccessLog._meta.get_field("at")
        self.at = DatabaseDefault(at.db_default, output_field=at)

    @staticmethod
    def _chain(entries: list["AccessLog"], using: str) -> None:
        """SQLite's chain, in a transaction: one writer at a time, so a second that read the
        head first fails, never forks."""
        head, _ = AccessLogHead.objects.using(using).get_or_create(pk=AccessLogHead.ONE)
        last = AccessLog.objects.using(using).aggregate(last=models.Max("pk"))["last"] or 0
        for entry in entries:
            last += 1
            entry.pk, entry.at = last, timezone.now()
            entry.hash = access_chain.link(head.last_hash, access_chain.entry_values(entry))
            head.last_id, head.last_hash = entry.pk, entry.hash
        head.save(using=using)


class AccessLogHead(models.Model):
    """The access log's last row and its hash: one row, whose lock serialises the chain."""

    ONE = 1

    last_id = models.BigIntegerField(_("last entry"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, default="", blank=True)

    class Meta:
        verbose_name = _("head of the access log")
        verbose_name_plural = _("head of the access log")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="accessloghead_one_row")]

    def __str__(self):
        return f"{self.last_id} {self.last_hash}"


class AccessLogCheckpoint(models.Model):
    """Where the access log now begins: its oldest months were exported and dropped past
    retention (`access_log_retention`), and the chain continues from the last dropped entry.

    Append-only like the log: on PostgreSQL triggers refuse UPDATE and DELETE and the app's
    role may only read it; its rows are written by the database's owner.
    """

    at = models.DateTimeField(_("at"), default=timezone.now)
    username = models.CharField(_("login name"), max_length=150, blank=True)
    last_id = models.BigIntegerField(_("last entry dropped"))
    last_hash = models.CharField(_("its hash"), max_length=64)
    dropped_through = models.DateTimeField(_("entries dropped before"))
    rows = models.BigIntegerField(_("rows dropped"))
    export = models.CharField(_("sealed export"), max_length=300)
    export_sha256 = models.CharField(_("SHA-256 of the export"), max_length=64)

    class Meta:
        verbose_name = _("access log checkpoint")
        verbose_name_plural = _("access log checkpoints")
        ordering = ["-last_id"]

    def __str__(self):
        return f"{self.last_id} {self.last_hash}"


class DocumentNumberManager(models.Manager):
    def issue(self, form_number: int) -> str:
        """A new number such as F3-2026-00012: the row's key keeps it unique on any database."""
        row = self.create(form_number=form_number)
        return row.number

    def issue_many(self, form_number: int, count: int) -> list[str]:
        """`count` new numbers at once, for rows created in bulk (which skips `save()`)."""
        rows = self.bulk_create([self.model(form_number=form_number) for _ in range(count)])
        return [row.number for row in rows]


class DocumentNumber(models.Model):
    """Every number printed on a form, one row each: the sequence the numbers come from.

    Append-only: numbers are only ever issued (`DocumentNumber.objects.issue`), never changed.
    """

    form_number = models.PositiveSmallIntegerField(_("form"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    objects = DocumentNumberManager()

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        ordering = ["-pk"]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        year = timezone.localtime(self.issued_at).year
        return f"F{self.form_number}-{year}-{self.pk:05d}"


class PaperStatus(models.TextChoices):
    """Where the signed paper of a form is: printed and out, or back at the office. Every form's
    status list starts with these two."""

    PREPARED = "prepared", _("not yet received")
    RECEIVED = "received", _("received")


class NumberedDocument(models.Model):
    """A record of a printed form (様式1–4) whose signed paper comes back to the office.

    It has a document number from the moment it exists (未受領); a reprint carries the same
    number, printed with its QR code, so the returned paper finds its record.
    """

    form_number: int  # 1–4: which of the policy's forms the record prints as
    facility_path: str  # the lookup from a record to the facility its paper belongs to
    # the `basis` whose paper comes back, on forms that also record an exemption (no paper)
    signed_basis: str | None = None

    document_number = models.CharField(
        _("document number"), max_length=20, unique=True, editable=False, blank=True
    )
    scanned_copy = ScannedCopyField()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Here rather than in a service: admin, factories, seed_demo and services all create rows.
        if not self.document_number:
            self.document_number = DocumentNumber.objects.issue(self.form_number)
        super().save(*args, **kwargs)

    def paper_expected(self) -> bool:
        """Whether signed paper comes back; an exemption (earlier pledge, contract) has none."""
        return self.signed_basis is None or self.basis == self.signed_basis

    def paper_label(self) -> str:
        """The record as the lists and e-mails of unreturned paper name it: never a patient."""
        return str(self)

    @classmethod
    def paper_expected_q(cls) -> Q:
        """`paper_expected` as a query."""
        return Q() if cls.signed_basis is None else Q(basis=cls.signed_basis)

    @staticmethod
    def paper_out_index(name: str) -> models.Index:
        """The forms still out by the day they were printed (`mcs_admin.documents.unreturned`):
        a few rows of the tens of thousands once returned, where the list read them all."""
        return models.Index(
            fields=["prepared_on"], condition=Q(status=PaperStatus.PREPARED), name=name
        )

    @staticmethod
    def paper_constraints(
        *,
        received_after_prepared: str,
        received_has_date: str | None = None,
        too_early: str | Promise,
        without_date: str | Promise | None = None,
    ) -> list[models.CheckConstraint]:
        """The rules of a form's returned paper, by the names and messages each form gives
        them: not received before it was prepared; and, where the form says so, a received
        paper has the day it came back."""
        constraints = [
            dates_in_order(
                "prepared_on", "received_on", name=received_after_prepared, message=too_early
            )
        ]
        if received_has_date:
            constraints.append(
                models.CheckConstraint(
                    condition=~models.Q(status=PaperStatus.RECEIVED)
                    | models.Q(received_on__isnull=False),
                    name=received_has_date,
                    violation_error_message=without_date,
                )
            )
        return constraints


class SignedOnScreen(models.Model):
    """The record of a form signed on a tablet's screen instead of on paper (issue 23).

    Each domain app subclasses it with a OneToOne to its document (a `NumberedDocument`) and
    its own signers; the sealed PDF is the document's `scanned_copy`, stored as a received
    scan is, and its SHA-256 is kept here so that a later check finds any change
    (`mcs_admin.signing.verify_signed`). Written only by the app's signing service.
    """

    obtained_by = models.ForeignKey(
        User, verbose_name=_("obtained by"), on_delete=models.PROTECT, related_name="+"
    )
    obtained_at = models.DateTimeField(_("signed at"), help_text=_("The server's time."))
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    policy_version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf_sha256 = models.CharField(_("SHA-256 of the sealed PDF"), max_length=64)

    class Meta:
        abstract = True
        constraints = [
            # its length, not a pattern: SQLite's REGEXP is Django's, absent from the raw
            # connections of the backups
            models.CheckConstraint(
                condition=Exact(Length("pdf_sha256"), 64),
                name="%(app_label)s_%(class)s_sha256_length",
                violation_error_message=_(
                    "The SHA-256 of the sealed PDF is 64 hexadecimal digits."
                ),
            ),
        ]

    @classmethod
    def document_field(cls) -> models.OneToOneField:
        """The OneToOne to the signed document, found rather than named by each subclass."""
        return next(
            field
            for field in cls._meta.get_fields()
            if isinstance(field, models.OneToOneField)
            and issubclass(field.related_model, NumberedDocument)
        )

    @property
    def document(self) -> NumberedDocument:
        return getattr(self, self.document_field().name)
