"""Study circles and assemblies: attendance, actas and closing a meeting."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model

from courses.models import CompletionSource, CoursePage
from courses.services import lesson_complete

from ..models import (
    Attendance,
    Meeting,
)
from . import reminders
from .membership import active_members
from .permissions import CouncilError, require_lead


@transaction.atomic
def attendance_record(*, meeting, actor, user_ids):
    """Set who was present; only active members of the council can be named."""
    require_lead(actor, meeting.council)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_closed:
        raise CouncilError(_("This meeting is closed: its attendance is final."))
    wanted = {int(pk) for pk in user_ids}
    members = set(
        active_members(meeting.council)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if wanted - members:
        raise CouncilError(
            _("The list names people who are not members of this council.")
        )
    # Only current members can be unticked: the attendance of someone who has
    # left since stays, as the list no longer offers them.
    Attendance.objects.filter(
        meeting=meeting, user__in=active_members(meeting.council)
    ).exclude(user_id__in=wanted).delete()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user_id=pk) for pk in wanted],
        ignore_conflicts=True,
    )
    return len(wanted)


def acta_store(*, council, uploaded, title):
    """Keep an acta as a Wagtail document in the council's private collection."""
    Document = get_document_model()
    document = Document(title=title[:255], collection=council.collection)
    document.file.save(uploaded.name, uploaded, save=False)
    document.save()
    return document


@transaction.atomic
def meeting_close(*, meeting, actor):
    """Close a meeting. An assembly needs its attendance and acta; a study circle
    completes its lessons for every member present (source: círculo)."""
    require_lead(actor, meeting.council)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_closed:
        raise CouncilError(_("This meeting is already closed."))
    if meeting.is_cancelled:
        raise CouncilError(_("A cancelled meeting can't be closed."))
    present = list(
        Attendance.objects.filter(meeting=meeting).values_list("user", flat=True)
    )
    if meeting.is_assembly:
        if not present:
            raise CouncilError(_("Record who attended before closing the assembly."))
        if not meeting.acta_id:
            raise CouncilError(_("Upload the acta before closing the assembly."))
    if meeting.is_circle:
        if not present:
            raise CouncilError(
                _("Record who attended before closing the study circle.")
            )
        User = get_user_model()
        people = list(User.objects.filter(pk__in=present))
        # A course restricted (or unpublished) since the circle was recorded
        # is not opened to those present by closing it.
        for lesson in meeting.lessons.open_to_all():
            course = CoursePage.objects.filter(path=lesson.path[:-4]).first()
            if course is None:
                continue
            for person in people:
                lesson_complete(
                    user=person,
                    lesson=lesson,
                    course=course,
                    source=CompletionSource.CIRCLE,
                    recorded_by=actor,
                )
    meeting.closed_at = timezone.now()
    meeting.closed_by = actor
    meeting.save(update_fields=["closed_at", "closed_by"])
    return meeting


@transaction.atomic
def meeting_save(*, meeting):
    """Save a meeting recorded or edited by a leader (her right checked by the
    view); when its time or place changed, the members are told
    (``reminders.tell_change``) in the same transaction."""
    stored = getattr(meeting, "_stored_schedule", None)
    changed = meeting.pk is not None and meeting.schedule_changed()
    meeting.save()
    if changed:
        reminders.tell_change(meeting, old_starts_at=stored[0])
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting, actor, reason=""):
    """Cancel a meeting that has not taken place: it stays, marked cancelled
    (pages, calendars), its reminders not yet sent are cancelled and the
    members who were (or were about to be) reminded are told."""
    require_lead(actor, meeting.council)
    council = meeting.council
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.council = council
    if meeting.is_closed:
        raise CouncilError(_("This meeting is closed and can't be changed."))
    if meeting.is_cancelled:
        raise CouncilError(_("This meeting was already cancelled."))
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = " ".join(reason.split())[:200]
    meeting.revision += 1
    meeting.save(
        update_fields=["cancelled_at", "cancel_reason", "revision", "updated_at"]
    )
    reminders.tell_change(meeting, old_starts_at=meeting.starts_at)
    return meeting
