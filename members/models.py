import json

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from cococi_site.pages import validate_person_name
from cococi_site.spreadsheets import validate_not_formula

phone_validator = RegexValidator(
    regex=r"^\+?[0-9 ]{10,16}$",
    message=_(
        "Enter a 10-digit phone number including the area code; it may start with +52."
    ),
)


class MemberQuerySet(models.QuerySet):
    def active_people(self):
        """Accounts of people who have not deleted them."""
        return self.filter(is_active=True, anonymised_at__isnull=True)


class MemberManager(UserManager.from_queryset(MemberQuerySet)):
    pass


class User(AbstractUser):
    """A person with an account: member, leader, editor or coordinator.

    Many members have a phone and no e-mail, so e-mail is optional and a phone
    number can be recorded instead.
    """

    # Names reach leaders' spreadsheets: one that begins like a formula is
    # refused here, so every form refuses it, Wagtail's account and user forms
    # included. A username may begin with + (a phone number), - or @, but with
    # letters, digits and @.+-_ only it can call no function; exports write it
    # as text anyway.
    first_name = models.CharField(
        _("first name"),
        max_length=150,
        blank=True,
        validators=[validate_not_formula, validate_person_name],
    )
    last_name = models.CharField(
        _("last name"),
        max_length=150,
        blank=True,
        validators=[validate_not_formula, validate_person_name],
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        help_text=_("When the person deleted their account; nothing personal is left."),
    )

    objects = MemberManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class Purpose(models.TextChoices):
    """What personal data is used for; the notice explains each one."""

    NECESSARY = (
        "necesario",
        _(
            "Use my data for my account, my formation progress and my participation "
            "in a council, including my affiliation to the movement (sensitive data)."
        ),
    )
    NOTICES = (
        "avisos",
        _("Receive notices of courses and activities by e-mail or text message."),
    )
    COUNCIL_CONTACT = (
        "contacto",
        _("Let my council's coordination contact me by phone."),
    )

    @classmethod
    def voluntary(cls):
        return [purpose for purpose in cls if purpose != cls.NECESSARY]


class PrivacyNoticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def current(self):
        return self.published().order_by("-published_at", "-pk").first()


class PrivacyNotice(models.Model):
    """A version of the privacy notice (aviso de privacidad); consents point to one."""

    version = models.CharField(_("version"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("short notice"), help_text=_("Shown on the registration form.")
    )
    body = RichTextField(
        _("full notice"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link"]
    )
    draft_for_legal_review = models.BooleanField(
        _("draft pending legal review"),
        default=True,
        help_text=_("Shown as a warning until a lawyer has reviewed the text."),
    )
    published_at = models.DateTimeField(
        _("in force since"),
        null=True,
        blank=True,
        help_text=_("Leave empty while editing; the newest version in force is used."),
    )

    objects = PrivacyNoticeQuerySet.as_manager()

    panels = [
        FieldPanel("version"),
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("draft_for_legal_review"),
        FieldPanel("published_at"),
    ]

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self):
        return f"{self.title} ({self.version})"


class ConsentMethod(models.TextChoices):
    ONLINE = "en_linea", _("Online")
    PAPER = "papel", _("Paper form captured by a leader")
    # Notices stopped by the link every notice carries, without signing in.
    STOP_LINK = "enlace", _("Stop link in a notice")


class ConsentRecordQuerySet(models.QuerySet):
    def current_for(self, user):
        """The latest decision per purpose: {purpose: record}."""
        latest = {}
        for record in self.filter(user=user).order_by("created_at", "pk"):
            latest[record.purpose] = record
        return latest


class ConsentRecord(models.Model):
    """One decision about one purpose, under one notice version. Append-only:
    withdrawing consent adds a record with ``granted=False``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    notice = models.ForeignKey(
        PrivacyNotice,
        verbose_name=_("privacy notice"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"))
    method = models.CharField(
        _("how"),
        max_length=10,
        choices=ConsentMethod.choices,
        default=ConsentMethod.ONLINE,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self):
        return f"{self.user_id} {self.purpose} {self.granted}"


class AccessLogQuerySet(models.QuerySet):
    """No bulk change or removal: the log only grows. The one change allowed is
    the one Django makes when an actor's account row is deleted: the actor
    becomes empty (``on_delete=SET_NULL``)."""

    def record(self, *, actor, action, scope, detail="", row_count=0):
        """The one way to write an entry: ``detail`` a text, or a dict kept as
        JSON with its accents readable."""
        if isinstance(detail, dict):
            detail = json.dumps(detail, ensure_ascii=False)
        return self.create(
            actor=actor, action=action, scope=scope, detail=detail, row_count=row_count
        )

    def update(self, **kwargs):
        if kwargs == {"actor": None}:
            return super().update(**kwargs)
        raise ValueError("AccessLog entries are append-only.")

    def delete(self):
        raise ValueError("AccessLog entries are append-only.")


class AccessLog(models.Model):
    """Who viewed or exported whose personal data, when and why. Append-only."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        VIEW = "view", _("View")
        DELETE = "delete", _("Account deletion")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    scope = models.CharField(_("scope"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.scope}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("AccessLog entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("AccessLog entries are append-only.")


class CodePurpose(models.TextChoices):
    SIGN_IN = "entrar", _("Sign in once and choose a password")
    TWO_FACTOR = "dos-pasos", _("Turn on two-step verification for the first time")


class SignInCodeQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class SignInCode(models.Model):
    """A one-time code handed to a person by whoever leads them, in person or
    by phone. Its purpose is one of two: a member registered without internet
    signs in once and chooses a password; a person whose account must use
    two-step verification turns it on for the first time (the password alone
    is not enough, or whoever had it first would). Only a hash is kept; the
    code is shown once, to whoever created it."""

    purpose = models.CharField(
        _("purpose"),
        max_length=10,
        choices=CodePurpose.choices,
        default=CodePurpose.SIGN_IN,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="sign_in_codes",
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=128)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = SignInCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("one-time sign-in code")
        verbose_name_plural = _("one-time sign-in codes")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class PasswordResetRequestQuerySet(models.QuerySet):
    def since(self, moment):
        return self.filter(requested_at__gt=moment)


class PasswordResetRequest(models.Model):
    """One request for a password-reset link, from an address, and for whom an
    e-mail was sent (none when the address matched no account, or the account
    had one too recently). Kept for an hour, to limit both."""

    ip_address = models.GenericIPAddressField(_("IP address"), null=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("e-mailed to"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_at = models.DateTimeField(
        _("requested at"), default=timezone.now, db_index=True
    )

    objects = PasswordResetRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self):
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.user_id or '-'}"
