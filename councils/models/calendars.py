"""A member's private calendar feed: the secret address a calendar app polls."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# 32 random bytes (256 bits), written in 43 URL-safe characters.
TOKEN_BYTES = 32
TOKEN_LENGTH = 43
TOKEN_PATTERN = "[A-Za-z0-9_-]{43}"


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


class CalendarFeed(models.Model):
    """The secret address of one person's calendar of her councils' meetings.

    The token is kept as it is, not hashed: the member must be able to read her
    address again on /mi-formacion/ (a calendar app is set up on a phone, often
    days later), and whoever can read this table can read the memberships and
    meetings it would open directly. It is random (256 bits) and never derived
    from anything, so one person's address says nothing about another's.
    Changing the address deletes the row and writes a new one; deleting the
    account deletes the row (``councils.personal_data``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(
        _("secret key"), max_length=TOKEN_LENGTH, unique=True, default=new_token
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        # Never the token: this may end in a log or the admin.
        return f"{self.user_id} calendar"
