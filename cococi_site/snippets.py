"""The base of every snippet viewset of the project: its choosers ask the same
permissions as its listing.

Wagtail checks a snippet's permission policy on the listing, inspect, history
and usage views, but its chooser views (the modal, its results, "chosen")
answer to anyone who may enter the admin: ``/admin/snippets/choose/members/
accesslog/`` listed the access log to every council leader. Here they ask what
Wagtail's snippet listing asks, any of add, change, delete or view, from the
policy registered for the model (``register_permission_policy``, or Django's
model permissions); the chooser's "create" already asks for "add".
"""

from django.utils.functional import cached_property
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser
from wagtail.snippets.views import snippets as wagtail_snippets

LISTING_PERMISSIONS = ["add", "change", "delete", "view"]


class ListingPermissionRequired(PermissionCheckedMixin):
    any_permission_required = LISTING_PERMISSIONS

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(self.model_class)


class ChooseView(ListingPermissionRequired, chooser.ChooseView):
    pass


class ChooseResultsView(ListingPermissionRequired, chooser.ChooseResultsView):
    pass


class ChosenView(ListingPermissionRequired, chooser.SnippetChosenView):
    pass


class ChosenMultipleView(ListingPermissionRequired, chooser.SnippetChosenMultipleView):
    pass


class SnippetChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView


class SnippetViewSet(wagtail_snippets.SnippetViewSet):
    """Wagtail's ``SnippetViewSet`` with choosers that check permissions."""

    chooser_viewset_class = SnippetChooserViewSet
