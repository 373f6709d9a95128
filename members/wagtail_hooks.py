from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import PrivacyNotice


class PrivacyNoticeViewSet(SnippetViewSet):
    """Versions of the privacy notice; only superusers hold these permissions."""

    model = PrivacyNotice
    icon = "lock"
    menu_label = _("Privacy notice")
    menu_order = 900
    add_to_settings_menu = True
    list_display = ["version", "title", "published_at", "draft_for_legal_review"]


register_snippet(PrivacyNoticeViewSet)
