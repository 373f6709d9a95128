"""What follows, in the writer's transaction, a change to what readiness reads
(called by the receivers of ``councils.signals``): the cached pathway
forgotten, the members concerned marked stale, and after a change of
requirements everyone's progress recomputed by the worker."""

from django.db import transaction

from courses.models import Enrollment
from outbox.services import enqueue

from ..models import MeetingKind
from .progress import progress_mark_all_stale, progress_mark_stale
from .readiness import pathway_forget
from .tasks import refresh_member_progress


def pathway_changed():
    """The cached pathway (``councils.cadres.readiness.pathway``) names courses,
    axes and roles: forgotten now and once more when the change is committed."""
    pathway_forget()
    transaction.on_commit(pathway_forget)


def meeting_changed(meeting):
    """Only closed study circles count: closing one changes its attendees' hours
    and circles and its facilitator's."""
    if meeting.kind == MeetingKind.CIRCLE and meeting.closed_at:
        people = list(meeting.attendances.values_list("user_id", flat=True))
        progress_mark_stale([*people, meeting.facilitator_id])


def course_published(course):
    """A course's axis or hours may have changed for everyone who completed it."""
    pathway_changed()
    progress_mark_stale(
        Enrollment.objects.completed()
        .filter(course_id=course.pk)
        .values_list("user_id", flat=True)
    )


def requirements_changed():
    """Everyone's readiness may change: recomputed when read, and by the worker
    right after the change is committed."""
    pathway_changed()
    progress_mark_all_stale()
    enqueue(refresh_member_progress)
