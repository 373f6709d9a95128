from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet

from cococi_site.snippets import SnippetViewSet

from .models import Axis


class AxisViewSet(SnippetViewSet):
    model = Axis
    icon = "tag"
    menu_label = _("Strategic axes")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["number", "name", "slug"]
    ordering = ["number"]


register_snippet(AxisViewSet)
