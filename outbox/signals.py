"""A worker tells the outbox what became of each task it was sent through it
(ids ``outbox-<row>``): taken, retried later, finished, or given up."""

from celery import signals

from . import services


@signals.task_prerun.connect(dispatch_uid="outbox-started")
def _started(sender=None, task_id=None, **kwargs):
    services.task_started(task_id)


@signals.task_retry.connect(dispatch_uid="outbox-retried")
def _retried(sender=None, request=None, reason=None, **kwargs):
    error = getattr(reason, "exc", None) or reason
    services.task_retried(
        getattr(request, "id", None), error, getattr(reason, "when", None)
    )


@signals.task_success.connect(dispatch_uid="outbox-finished")
def _finished(sender=None, **kwargs):
    services.task_finished(getattr(getattr(sender, "request", None), "id", None))


@signals.task_failure.connect(dispatch_uid="outbox-given-up")
def _given_up(sender=None, task_id=None, exception=None, **kwargs):
    services.task_given_up(task_id, exception)
