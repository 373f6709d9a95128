from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from cococi_site.snippets import SnippetViewSet

from .models import AccessLog, PrivacyNotice


class PrivacyNoticeViewSet(SnippetViewSet):
    """Versions of the privacy notice; only superusers hold these permissions."""

    model = PrivacyNotice
    icon = "lock"
    menu_label = _("Privacy notice")
    menu_order = 900
    add_to_settings_menu = True
    list_display = ["version", "title", "published_at", "draft_for_legal_review"]


register_snippet(PrivacyNoticeViewSet)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Viewing only, for whoever holds the view permission (national
    coordination, superusers); nobody, superusers included, may add, change or
    delete through the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(AccessLog, ReadOnlyPolicy(AccessLog))


class AccessLogViewSet(SnippetViewSet):
    """Every view and export of other people's member data, and every account
    deletion: who, when, what scope, why, how many rows. Its exports carry
    reasons typed by people: written as text (``cococi_site.spreadsheets``)."""

    model = AccessLog
    icon = "history"
    menu_label = _("Access log")
    menu_order = 950
    add_to_settings_menu = True
    inspect_view_enabled = True
    list_display = ["created_at", "actor", "action", "scope", "row_count"]
    list_filter = ["action"]
    list_export = ["created_at", "actor", "action", "scope", "detail", "row_count"]
    ordering = ["-created_at"]


register_snippet(AccessLogViewSet)


# Wagtail's bulk delete asks the policy above about each entry, finds none it
# may delete and then deletes "none" of them: the log's own queryset refuses any
# delete, so the request ended in an error 500. Refused here, before Wagtail
# acts, for everyone (superusers included), with a message.
@hooks.register("before_bulk_action")
def access_log_only_grows(request, action_type, objects, action_class):
    if action_class.model is not AccessLog:
        return None
    messages.error(
        request, gettext("The access log only grows: nobody can delete its entries.")
    )
    return redirect("wagtailadmin_home")
