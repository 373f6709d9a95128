"""StreamField blocks of council pages: a short, plain set for local leaders."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from courses.blocks import (
    HEADING_DESCRIPTION,
    PARAGRAPH_DESCRIPTION,
    DocumentBlock,
    HeadingBlock,
    ImageBlock,
    QuoteBlock,
    for_chooser,
)

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


HEADING_PREVIEW = "Cómo trabajamos"
PARAGRAPH_PREVIEW = (
    "<p>Nos reunimos en asamblea el primer sábado de cada mes en la casa "
    "ejidal. Este año trabajamos en la <b>limpieza del arroyo</b> y en un "
    "huerto comunitario con las y los jóvenes de la colonia.</p>"
)


class CouncilStreamBlock(blocks.StreamBlock):
    heading = for_chooser(
        HeadingBlock(max_length=120),
        description=HEADING_DESCRIPTION,
        preview_value=HEADING_PREVIEW,
    )
    paragraph = for_chooser(
        blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES),
        description=PARAGRAPH_DESCRIPTION,
        preview_value=PARAGRAPH_PREVIEW,
    )
    image = ImageBlock()
    document = DocumentBlock()
    quote = QuoteBlock()

    class Meta:
        description = _(
            "The content of a page of the councils: what a council tells about "
            "itself, or a procedure."
        )
        preview_value = [
            {"type": "heading", "value": HEADING_PREVIEW},
            {"type": "paragraph", "value": PARAGRAPH_PREVIEW},
        ]
