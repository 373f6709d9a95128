from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingTask(models.Model):
    """A Celery task not yet finished: recorded in the same transaction as the
    change that asks for it, and deleted only once a worker has run it to the end
    (see ``outbox.services``).

    - not published yet (``published_at`` empty): the broker refused it or a
      crash kept it from being sent; it is sent again after ``RESEND_AFTER``.
    - published, not finished: due back by ``due_at``. A worker that takes it,
      or retries it, moves ``due_at`` on; if ``due_at`` passes with no word
      (the message was lost with Redis, a worker died), it is sent again.
    - given up (``failed_at``): its retries ran out. It stays, counted by
      ``/salud/``, until someone sends it again (``manage.py
      resend_pending_tasks --failed``) or the reconciliation repairs its effect.

    Beat's ``outbox.tasks.resend_pending_tasks`` sends what is due every minute."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    # The task and its arguments, hashed: finds "is this already on its way?".
    key = models.CharField(_("key"), max_length=64, db_index=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due back by"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("unfinished task")
        verbose_name_plural = _("unfinished tasks")
        indexes = [
            models.Index(fields=["created_at"]),
            models.Index(fields=["due_at"]),
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"

    @property
    def celery_id(self):
        """The id every delivery of this task carries, retries included."""
        return f"outbox-{self.pk}"


class ReconciliationRun(models.Model):
    """What one run of the reconciliation found missing and sent to be repaired
    (``outbox.reconcile``); ``/salud/`` reports the latest."""

    ran_at = models.DateTimeField(_("ran at"), default=timezone.now, db_index=True)
    found = models.JSONField(_("found, by check"), default=dict)
    sent = models.PositiveIntegerField(_("repairs sent"), default=0)

    class Meta:
        ordering = ["-ran_at"]
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")

    def __str__(self):
        return f"{self.ran_at:%Y-%m-%d %H:%M}: {self.total}"

    @property
    def total(self):
        return sum(self.found.values())


class Delivery(models.Model):
    """One message to the outside world (an e-mail, later an SMS), sent at most
    once however often the task that sends it runs (``outbox.services.send_once``).

    ``claimed_at`` is written and committed before the message is handed over,
    ``sent_at`` after; a claim left without ``sent_at`` (the database went away
    right after the send, or the worker died in between) counts as sent: a
    message is never sent twice, and such a claim is listed for a person to
    check (``manage.py reconcile`` counts it)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return self.key
