from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingTask(models.Model):
    """A Celery task recorded in the same transaction as the change that asks for
    it, and deleted once the broker has accepted it (see ``outbox.services``).

    A row that stays here is a task the broker refused (Redis down) or that a
    crash kept from being sent; beat's ``outbox.tasks.resend_pending_tasks`` and
    ``manage.py resend_pending_tasks`` send it again."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("pending task")
        verbose_name_plural = _("pending tasks")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
