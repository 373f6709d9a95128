"""What follows, in the writer's transaction, a change to what readiness reads
(called by the receivers of ``councils.signals``): the cached pathway
forgotten, the members concerned marked stale, and for a change concerning many
members (a course republished, requirements changed) one row of work for the
workers: the editor's save costs the same for ten members or half a million."""

from functools import partial

from django.db import transaction

from ..models import CouncilPage, MeetingKind, ProgressWork
from .progress import progress_mark_stale, progress_work, worker_wanted
from .readiness import pathway_forget
from .totals import states_mark_dirty, totals_mark_dirty


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


def membership_changed(membership):
    """A member joined, left or moved: her row is stale, and her council's
    totals too (a newcomer's row names no council until recomputed, so her
    council's page would not say "actualizando" otherwise)."""
    progress_mark_stale([membership.user_id])
    # After the commit, and only if the council is still there: a council's
    # deletion deletes its memberships, and a mark made then would name it.
    transaction.on_commit(partial(_council_totals_dirty, membership.council_id))


def _council_totals_dirty(council_id):
    if CouncilPage.objects.filter(pk=council_id).exists():
        totals_mark_dirty([council_id])


def course_published(course):
    """A course's axis or hours may have changed for everyone who completed it:
    the worker marks and recomputes them (``progress_catch_up``)."""
    pathway_changed()
    progress_work(ProgressWork.Kind.COURSE, course)


def requirements_changed():
    """Everyone's readiness may change: recomputed by the worker, while the
    dashboard shows the previous figures as being updated."""
    pathway_changed()
    progress_work(ProgressWork.Kind.EVERYONE)


def council_moved(council_id):
    """A council moved to another state: both states' totals change."""
    totals_mark_dirty([council_id])
    worker_wanted()


def council_deleted(council):
    """Its totals row goes with it: its state's sums are to be added up
    again without it."""
    if council.state_id:
        states_mark_dirty([council.state_id])
        worker_wanted()
