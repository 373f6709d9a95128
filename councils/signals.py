"""Keeps derived Wagtail rights in step with the organisation tree.

Wagtail deletes pages through treebeard's queryset delete, which never calls a
page's ``delete()``; ``post_delete`` fires for every deleted row, so that is
where a council's group and collection are removed.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import post_page_move

from .models import CouncilPage, RoleAssignment, StatePage
from .provisioning import council_deprovision, user_groups_sync


@receiver(post_delete, sender=CouncilPage)
def council_deleted(sender, instance, **kwargs):
    council_deprovision(instance)


@receiver(post_save, sender=RoleAssignment)
@receiver(post_delete, sender=RoleAssignment)
def role_assignment_changed(sender, instance, **kwargs):
    # Derived state: whoever writes an assignment (admin, service, shell, demo),
    # the person's groups follow within the same transaction.
    user_groups_sync(instance.user)


@receiver(post_page_move)
def council_moved(sender, instance, parent_page_after, **kwargs):
    # A council moved to another state's page now belongs to that state's scope.
    if isinstance(instance.specific, CouncilPage):
        parent = parent_page_after.specific
        if isinstance(parent, StatePage):
            CouncilPage.objects.filter(pk=instance.pk).update(state_id=parent.state_id)
