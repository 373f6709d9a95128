from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class SectionBlock(blocks.StructBlock):
    """A titled section of running text, as on the home page's "¿Qué es un COCOCI?"."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.RichTextBlock(
        label=_("Text"), features=["bold", "italic", "link", "ol", "ul"]
    )

    class Meta:
        icon = "doc-full"
        label = _("Section")
        template = "blocks/section_block.html"
        description = _(
            "A section with a heading and running text, as «What is a COCOCI?» "
            "on the home page."
        )
        preview_value = {
            "heading": "¿Qué es un COCOCI?",
            "text": "<p>Los COCOCIS son las células ciudadanas comunitarias del "
            "movimiento: ciudadanas y ciudadanos libres, decididos a trabajar en "
            "sus comunidades para que nuestro crecimiento se construya desde "
            "abajo, con nuestro pueblo.</p>",
        }


class ActionBlock(blocks.StructBlock):
    """A call to action: a short label and where it leads (a page or a site path)."""

    label = blocks.CharBlock(label=_("Button text"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    path = blocks.CharBlock(
        label=_("Path on this site"),
        required=False,
        max_length=200,
        help_text=_("If you do not choose a page, for example /cuenta/registro/."),
    )

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "blocks/action_block.html"
        description = _("A button that leads to a page or an address of this site.")
        preview_value = {
            "label": "Crea tu cuenta",
            "page": None,
            "path": "/cuenta/registro/",
        }

    def clean(self, value):
        value = super().clean(value)
        path = value.get("path") or ""
        if not value.get("page") and not path:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "page": ValidationError(_("Choose a page or enter a path."))
                }
            )
        # Browsers read "/\host" and "/<tab>/host" as "//host": another site.
        if path and (
            not path.startswith("/")
            or not url_has_allowed_host_and_scheme(path, allowed_hosts=set())
        ):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "path": ValidationError(
                        _("The path must start with / and stay on this site.")
                    )
                }
            )
        return value
