"""Keeps derived Wagtail rights in step with the organisation tree.

Wagtail deletes pages through treebeard's queryset delete, which never calls a
page's ``delete()``; ``post_delete`` fires for every deleted row, so that is
where a council's group and collection are removed.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, post_page_move

from courses.models import Axis, CoursePage, Enrollment, LessonCompletion
from outbox.services import enqueue

from .cadres.progress import progress_mark_all_stale, progress_mark_stale
from .cadres.readiness import pathway_forget
from .cadres.tasks import refresh_member_progress
from .models import (
    Attendance,
    CouncilPage,
    LeadershipRole,
    Meeting,
    MeetingKind,
    Membership,
    MentorSignOff,
    RoleAssignment,
    RoleRequirement,
    StatePage,
)
from .provisioning import (
    council_collection_rehome,
    council_deprovision,
    council_settle,
    user_groups_sync,
)


@receiver(post_save, sender=CouncilPage)
def council_saved(sender, instance, raw=False, **kwargs):
    # Inside CouncilPage.save()'s transaction; fixtures (raw) load rows as they are.
    if not raw:
        council_settle(instance)


@receiver(post_delete, sender=CouncilPage)
def council_deleted(sender, instance, **kwargs):
    council_deprovision(instance)


@receiver(post_save, sender=RoleAssignment)
@receiver(post_delete, sender=RoleAssignment)
def role_assignment_changed(sender, instance, **kwargs):
    # Derived state: whoever writes an assignment (admin, service, shell, demo),
    # the person's groups follow within the same transaction.
    user_groups_sync(instance.user)
    progress_mark_stale([instance.user_id])


# Member progress (``councils.cadres.progress``): each change to what readiness looks
# at marks the member's summary stale, in the writer's transaction.


@receiver(post_save, sender=LessonCompletion)
@receiver(post_delete, sender=LessonCompletion)
@receiver(post_save, sender=Enrollment)
@receiver(post_delete, sender=Enrollment)
@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
@receiver(post_save, sender=Attendance)
@receiver(post_delete, sender=Attendance)
def member_activity_changed(sender, instance, **kwargs):
    progress_mark_stale([instance.user_id])


@receiver(post_save, sender=MentorSignOff)
@receiver(post_delete, sender=MentorSignOff)
def sign_off_changed(sender, instance, **kwargs):
    progress_mark_stale([instance.mentee_id])


@receiver(post_save, sender=Meeting)
@receiver(post_delete, sender=Meeting)
def meeting_changed(sender, instance, **kwargs):
    # Only closed study circles count: closing one changes its attendees' hours
    # and circles and its facilitator's.
    if instance.kind == MeetingKind.CIRCLE and instance.closed_at:
        people = list(instance.attendances.values_list("user_id", flat=True))
        progress_mark_stale([*people, instance.facilitator_id])


def pathway_changed():
    # The cached pathway (``councils.cadres.readiness.pathway``) names courses, axes and
    # roles: forgotten now and once more when the change is committed.
    pathway_forget()
    transaction.on_commit(pathway_forget)


@receiver(post_delete, sender=CoursePage)
@receiver(post_save, sender=Axis)
@receiver(post_delete, sender=Axis)
def course_or_axis_changed(sender, **kwargs):
    pathway_changed()


@receiver(page_published, sender=CoursePage)
def course_published(sender, instance, **kwargs):
    pathway_changed()
    # A course's axis or hours may have changed for everyone who completed it.
    progress_mark_stale(
        Enrollment.objects.filter(
            course_id=instance.pk, completed_at__isnull=False
        ).values_list("user_id", flat=True)
    )


@receiver(post_save, sender=RoleRequirement)
@receiver(post_delete, sender=RoleRequirement)
@receiver(post_save, sender=LeadershipRole)
@receiver(post_delete, sender=LeadershipRole)
def requirements_changed(sender, **kwargs):
    # Everyone's readiness may change: recomputed when read, and by the worker
    # right after the change is committed.
    pathway_changed()
    progress_mark_all_stale()
    enqueue(refresh_member_progress)


@receiver(post_page_move)
def council_moved(sender, instance, parent_page_after, **kwargs):
    # A council moved to another state's page now belongs to that state's scope.
    if isinstance(instance.specific, CouncilPage):
        parent = parent_page_after.specific
        if isinstance(parent, StatePage):
            CouncilPage.objects.filter(pk=instance.pk).update(state_id=parent.state_id)
            # Its private files follow it: the collection moves under the new
            # state's, and the old state's coordination loses sight of them.
            council_collection_rehome(CouncilPage.objects.get(pk=instance.pk), parent)
