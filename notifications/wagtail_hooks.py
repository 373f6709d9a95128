from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import channels
from .models import Notice


class ChannelsPanel(Component):
    """On the dashboard, for superusers: which channels can send (never their
    URLs, which hold the providers' secrets)."""

    name = "notice_channels"
    order = 900

    def render_html(self, parent_context=None):
        items = format_html_join(
            ", ",
            "{} {}",
            ((label, "✓" if on else "✗") for label, on in channels.status()),
        )
        return format_html(
            '<section class="panel w-mb-8" aria-labelledby="notice-channels">'
            '<h2 id="notice-channels" class="w-h4">{}</h2><p>{}</p></section>',
            _("Notice channels"),
            items,
        )


@hooks.register("construct_homepage_panels")
def add_channels_panel(request, panels):
    if request.user.is_superuser:
        panels.append(ChannelsPanel())


class SeenBySuperusers(ModelPermissionPolicy):
    """Notices are written by the site only: superusers see them (what was
    held, skipped or failed, and why); nobody adds, edits or deletes one here."""

    def user_has_permission(self, user, action):
        return bool(user.is_active and user.is_superuser and action == "view")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class NoticeIndexView(IndexView):
    """The listing and its export read each notice's person in the same query."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user")


class NoticeViewSet(ModelViewSet):
    model = Notice
    index_view_class = NoticeIndexView
    icon = "mail"
    menu_label = _("Notices")
    add_to_settings_menu = True
    inspect_view_enabled = True
    # Required by ModelViewSet; the edit form is never reachable (no "change").
    form_fields = ["status"]
    list_display = [
        "kind_label",
        "key",
        "user",
        "channel",
        "status",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "kind"]
    # What was sent to whom and how it went; never the text, the e-mail's
    # body nor the address (a code, a phone number).
    list_export = [
        "kind_label",
        "key",
        "user",
        "get_channel_display",
        "get_status_display",
        "created_at",
        "sent_at",
        "last_error",
    ]
    export_headings = {
        "kind_label": gettext_lazy("Notice"),
        "user": gettext_lazy("Person"),
        "get_channel_display": gettext_lazy("Channel"),
        "get_status_display": gettext_lazy("Status"),
    }
    export_filename = "avisos"
    inspect_view_fields = [
        "kind",
        "key",
        "user",
        "channel",
        "status",
        "text",
        "link",
        "segments",
        "send_after",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
    ]


register_permission_policy(Notice, SeenBySuperusers(Notice))
notice_viewset = NoticeViewSet("notices")


@hooks.register("register_admin_viewset")
def register_notice_viewset():
    return notice_viewset
