from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AxisFollow(models.Model):
    """A member who asked to be told of new courses of an axis (opt-in; in her
    data export, deleted with her account)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="axis_follows",
    )
    axis = models.ForeignKey(
        "courses.Axis",
        verbose_name=_("strategic axis"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ["axis__number"]
        verbose_name = _("followed axis")
        verbose_name_plural = _("followed axes")
        constraints = [
            models.UniqueConstraint(fields=["user", "axis"], name="follow_axis_once")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.axis_id}"
