from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from . import channels


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
