"""StreamField blocks for lessons and quizzes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from cococi_site.files import collection_is_private

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "document-link"]


PRIVATE_IMAGE = _(
    "This image is in a private collection: visitors would not see it. Choose "
    "one from a public collection (for a council's page, upload it to the "
    "public collection of councils)."
)
PRIVATE_DOCUMENT = _(
    "This document is in a private collection: visitors could not open it. "
    "Choose one from a public collection (for a council's page, upload it to the "
    "public collection of councils)."
)


def _refuse_private(value, name, message):
    """A page's image or document must be one every reader of the page can see."""
    chosen = value.get(name)
    if chosen is not None and collection_is_private(chosen.collection):
        raise blocks.StructBlockValidationError(
            block_errors={name: ValidationError(message)}
        )


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("Credit"), required=False, max_length=120)

    def clean(self, value):
        value = super().clean(value)
        _refuse_private(value, "image", PRIVATE_IMAGE)
        return value

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=150)

    def clean(self, value):
        value = super().clean(value)
        _refuse_private(value, "document", PRIVATE_DOCUMENT)
        return value

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "courses/blocks/document_block.html"


class MediaBlock(blocks.StructBlock):
    embed = EmbedBlock(
        label=_("Video or audio address"),
        help_text=_("For example a YouTube, Vimeo or SoundCloud address."),
    )
    transcript = blocks.RichTextBlock(
        label=_("Transcript or summary"),
        required=False,
        features=TEXT_FEATURES,
        help_text=_("For people who cannot play it or have little data."),
    )

    class Meta:
        icon = "media"
        label = _("Video or audio")
        template = "courses/blocks/media_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Source"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "courses/blocks/quote_block.html"


class ReflectBlock(blocks.StructBlock):
    """ "Para reflexionar": questions for personal or group discussion."""

    questions = blocks.ListBlock(
        blocks.CharBlock(label=_("Question"), max_length=400),
        label=_("Questions"),
        min_num=1,
    )

    class Meta:
        icon = "help"
        label = _("To reflect on")
        template = "courses/blocks/reflect_block.html"


class CommunityBlock(blocks.StructBlock):
    """ "En comunidad": an activity to carry out with one's council or neighbours."""

    title = blocks.CharBlock(label=_("Activity"), max_length=150)
    instructions = blocks.RichTextBlock(label=_("Instructions"), features=TEXT_FEATURES)
    duration_minutes = blocks.IntegerBlock(
        label=_("Duration (minutes)"), required=False, min_value=1, max_value=1440
    )

    class Meta:
        icon = "group"
        label = _("In community")
        template = "courses/blocks/community_block.html"


class KeyTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("Term"), max_length=100)
    definition = blocks.TextBlock(label=_("Definition"))


class LessonStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), max_length=150, form_classname="title", icon="title"
    )
    paragraph = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES)
    image = ImageBlock()
    document = DocumentBlock()
    media = MediaBlock()
    quote = QuoteBlock()
    reflect = ReflectBlock()
    community = CommunityBlock()
    key_terms = blocks.ListBlock(
        KeyTermBlock(),
        label=_("Key terms"),
        icon="list-ul",
        template="courses/blocks/key_terms_block.html",
    )


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.CharBlock(
        label=_("Feedback"),
        required=False,
        max_length=400,
        help_text=_("Shown after answering: why this answer is right or not."),
    )


class QuestionBlock(blocks.StructBlock):
    """A quiz question; one or more of its choices are correct."""

    text = blocks.CharBlock(label=_("Question"), max_length=400)
    choices = blocks.ListBlock(ChoiceBlock(), label=_("Answers"), min_num=2, max_num=8)

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "choices": ValidationError(
                        _("Mark at least one answer as correct.")
                    )
                }
            )
        return value


class QuizStreamBlock(blocks.StreamBlock):
    question = QuestionBlock()
