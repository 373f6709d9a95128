"""Messages of Wagtail's that its Spanish catalogue lacks, translated in ours
(``locale/es_MX``, which takes precedence). They answer uploads that lie about
themselves in the admin. Listed here, never called, so that
``make makemessages`` keeps them."""

from django.utils.translation import gettext_noop as _

WAGTAIL_MESSAGES = [
    _(
        "Not a valid .%(extension)s image. The extension does not match the file "
        "format (%(image_format)s)"
    ),
    _("unknown number"),
]
