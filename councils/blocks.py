"""StreamField blocks of council pages: a short, plain set for local leaders."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from courses.blocks import DocumentBlock, ImageBlock, QuoteBlock

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class CouncilStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), max_length=120, form_classname="title"
    )
    paragraph = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES)
    image = ImageBlock()
    document = DocumentBlock()
    quote = QuoteBlock()
