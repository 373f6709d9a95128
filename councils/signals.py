"""Keeps derived data in step: Wagtail rights with the organisation tree and
offices (``councils.provisioning``), members' progress and the cached pathway
with what readiness reads (``councils.cadres.changes``). Each receiver calls
one named service.

Wagtail deletes pages through treebeard's queryset delete, which never calls a
page's ``delete()``; ``post_delete`` fires for every deleted row, so that is
where a council's group and collection are removed.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, post_page_move

from courses.models import Axis, CoursePage, Enrollment, LessonCompletion
from courses.models.progress import learning_written_in_bulk

from .cadres.changes import (
    council_deleted as council_totals_gone,
)
from .cadres.changes import (
    council_moved as council_totals_moved,
)
from .cadres.changes import (
    course_published,
    meeting_changed,
    membership_changed,
    pathway_changed,
    requirements_changed,
)
from .cadres.progress import progress_mark_stale
from .models import (
    Attendance,
    CouncilPage,
    LeadershipRole,
    Meeting,
    Membership,
    MentorSignOff,
    RoleAssignment,
    RoleRequirement,
    StatePage,
)
from .provisioning import (
    council_deprovision,
    council_move,
    council_settle,
    user_groups_sync,
)
from .services.reminders import forget_deleted


@receiver(post_save, sender=CouncilPage)
def council_saved(sender, instance, raw=False, **kwargs):
    # Inside CouncilPage.save()'s transaction; fixtures (raw) load rows as they are.
    if not raw:
        council_settle(instance)


@receiver(post_delete, sender=CouncilPage)
def council_deleted(sender, instance, **kwargs):
    council_deprovision(instance)
    council_totals_gone(instance)


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
@receiver(post_save, sender=Attendance)
@receiver(post_delete, sender=Attendance)
def member_activity_changed(sender, instance, **kwargs):
    progress_mark_stale([instance.user_id])


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_saved_or_deleted(sender, instance, **kwargs):
    membership_changed(instance)


@receiver(learning_written_in_bulk)
def learning_changed_in_bulk(sender, user_ids, **kwargs):
    progress_mark_stale(user_ids)


@receiver(post_save, sender=MentorSignOff)
@receiver(post_delete, sender=MentorSignOff)
def sign_off_changed(sender, instance, **kwargs):
    progress_mark_stale([instance.mentee_id])


@receiver(post_save, sender=Meeting)
@receiver(post_delete, sender=Meeting)
def meeting_saved_or_deleted(sender, instance, **kwargs):
    meeting_changed(instance)


@receiver(post_delete, sender=Meeting)
def meeting_deleted(sender, instance, **kwargs):
    # In the delete's transaction: a worker that reads the reminder after the
    # commit finds it cancelled and sends nothing.
    forget_deleted(instance.pk)


@receiver(post_delete, sender=CoursePage)
@receiver(post_save, sender=Axis)
@receiver(post_delete, sender=Axis)
def course_or_axis_changed(sender, **kwargs):
    pathway_changed()


@receiver(page_published, sender=CoursePage)
def course_page_published(sender, instance, **kwargs):
    course_published(instance)


@receiver(post_save, sender=RoleRequirement)
@receiver(post_delete, sender=RoleRequirement)
@receiver(post_save, sender=LeadershipRole)
@receiver(post_delete, sender=LeadershipRole)
def requirements_saved_or_deleted(sender, **kwargs):
    requirements_changed()


@receiver(post_page_move)
def council_moved(sender, instance, parent_page_after, **kwargs):
    # A council moved to another state's page now belongs to that state's scope.
    if isinstance(instance.specific, CouncilPage):
        parent = parent_page_after.specific
        if isinstance(parent, StatePage):
            council_move(instance.pk, parent)
            council_totals_moved(instance.pk)
