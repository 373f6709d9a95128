"""StreamField blocks for lessons and quizzes.

Every block an editor picks from a StreamField's chooser says what it is for
(``description``) and shows an example in the site's voice (``preview_value``):
on a block class, in its ``Meta``; on a block of Wagtail's declared in place,
with ``for_chooser``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

from cococi_site.api_fields import document_url, image_representation
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


def for_chooser(block, *, description, preview_value):
    """``block``, a block of Wagtail's declared in place, with the chooser's
    description and preview value. Set on its ``Meta`` after it is made, as a
    block class's ``Meta`` sets them, they stay out of its definition, which
    migrations record: the chooser's words change no migration."""
    block.meta.description = description
    block.meta.preview_value = preview_value
    return block


def _latest_public(model):
    """The latest of ``model``'s files (an image, a document) that every reader
    may see, for a preview; None while there is none."""
    for item in model.objects.select_related("collection").order_by("-pk")[:20]:
        if not collection_is_private(item.collection):
            return item
    return None


ALT_TEXT_MISSING = _(
    "Write what the image shows (and any text in it) for people who cannot "
    "see it, or mark it as decorative."
)


def _refuse_private(value, name, message):
    """A page's image or document must be one every reader of the page can see."""
    chosen = value.get(name)
    if chosen is not None and collection_is_private(chosen.collection):
        raise blocks.StructBlockValidationError(
            block_errors={name: ValidationError(message)}
        )


class ImageBlock(blocks.StructBlock):
    """An image with its alternative text, required unless the editor says the
    image is decorative (Wagtail's own image block asks the same)."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=250,
        help_text=_(
            "What the image shows, for people who cannot see it; if it carries "
            "text (a poster, an infographic), that text."
        ),
    )
    decorative = blocks.BooleanBlock(
        label=_("Decorative: it shows nothing the text does not say"),
        required=False,
        default=False,
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("Credit"), required=False, max_length=120)

    def clean(self, value):
        value = super().clean(value)
        _refuse_private(value, "image", PRIVATE_IMAGE)
        if not (value.get("alt_text") or "").strip() and not value.get("decorative"):
            raise blocks.StructBlockValidationError(
                block_errors={"alt_text": ValidationError(ALT_TEXT_MISSING)}
            )
        return value

    def get_api_representation(self, value, context=None):
        """The image with its renditions (``null`` once its collection is
        private), its caption and credit: never a bare image id."""
        return {
            "image": image_representation(
                value["image"],
                context,
                "" if value.get("decorative") else value["alt_text"],
                decorative=value.get("decorative", False),
            ),
            "caption": value["caption"],
            "credit": value["credit"],
        }

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image_block.html"
        description = _(
            "A photograph or illustration, with what it shows for people who "
            "cannot see it, a caption and its credit."
        )

        # Looked up when the preview is shown: the latest public image.
        preview_value = staticmethod(
            lambda: {
                "image": _latest_public(get_image_model()),
                "alt_text": "Vecinas y vecinos reunidos en asamblea en la plaza "
                "de la colonia.",
                "caption": "Primera asamblea del consejo comunitario de la "
                "colonia Santa Rosa.",
                "credit": "Comisión de Comunicación",
            }
        )


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=150)

    def clean(self, value):
        value = super().clean(value)
        _refuse_private(value, "document", PRIVATE_DOCUMENT)
        return value

    def get_api_representation(self, value, context=None):
        """The link's text and the document's absolute download URL
        (``null`` once its collection is private)."""
        document = value["document"]
        url = document_url(document, context)
        return {
            "title": value["title"] or (document.title if url else ""),
            "url": url,
        }

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "courses/blocks/document_block.html"
        description = _(
            "A link to download a document: a guide, a model record, a form."
        )

        # Looked up when the preview is shown: the latest public document.
        preview_value = staticmethod(
            lambda: {
                "document": _latest_public(get_document_model()),
                "title": "Guía para la primera asamblea del consejo",
            }
        )


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
        description = _(
            "A video or audio from YouTube, Vimeo or SoundCloud, opened by a "
            "link, with its transcript or summary for whoever has little data."
        )
        preview_value = {
            "embed": "https://www.youtube.com/watch?v=cococi-asamblea",
            "transcript": "<p>Compañeras y compañeros de un consejo comunitario "
            "cuentan cómo organizaron su primera asamblea: a quién invitaron, "
            "qué problemas de la colonia pusieron primero y cómo se repartieron "
            "las tareas.</p>",
        }


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Source"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "courses/blocks/quote_block.html"
        description = _("A quotation set apart, with where it comes from.")
        preview_value = {
            "text": "No puede haber bienvivir para unos y malvivir para otros.",
            "attribution": "Consejos Comunitarios Convencionistas",
        }


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
        description = _("Questions to think over alone or to talk over in a group.")
        preview_value = {
            "questions": [
                "¿Qué problema de tu comunidad podría atender el consejo en los "
                "próximos tres meses?",
                "¿Quiénes más de tu colonia deberían estar en la próxima asamblea?",
            ]
        }


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
        description = _(
            "An activity to carry out with your council or your neighbours."
        )
        preview_value = {
            "title": "Recorrido por la colonia",
            "instructions": "<p>En grupos de tres, recorran dos calles de la "
            "colonia y anoten los problemas que más mencionan las vecinas y los "
            "vecinos. Al regresar, compártanlos en la asamblea y elijan uno para "
            "trabajarlo juntos.</p>",
            "duration_minutes": 60,
        }


KEY_TERM = {
    "term": "Contraloría ciudadana",
    "definition": "La vigilancia que hacen las y los ciudadanos de cómo se usan "
    "los recursos públicos y de si se cumplen los programas.",
}


class KeyTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("Term"), max_length=100)
    definition = blocks.TextBlock(label=_("Definition"))

    class Meta:
        description = _("A key word of the lesson and what it means.")
        preview_value = KEY_TERM


HEADING_DESCRIPTION = _("A heading that divides the page into parts.")
HEADING_PREVIEW = "La fuerza de los consejos comunitarios"


class HeadingBlock(blocks.CharBlock):
    """A heading inside a page's content, one level below the page's title: an
    ``<h2>``, or the level a page that nests it deeper passes as
    ``heading_level``. Every StreamField with headings uses this block, so a page
    that renders its blocks with ``include_block`` shows them as headings."""

    def __init__(self, *, max_length=150, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    class Meta:
        label = _("Heading")
        icon = "title"
        form_classname = "title"
        template = "blocks/heading_block.html"
        description = HEADING_DESCRIPTION
        preview_value = HEADING_PREVIEW


PARAGRAPH_DESCRIPTION = _("Running text, with bold, lists and links.")
PARAGRAPH_PREVIEW = (
    "<p>Los COCOCIS buscan fortalecer el <b>trabajo comunitario</b> y el "
    "bienestar colectivo mediante la colaboración, la participación, la "
    "formación y la acción de sus integrantes, desde abajo y con nuestro "
    "pueblo.</p>"
)


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = for_chooser(
        blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES),
        description=PARAGRAPH_DESCRIPTION,
        preview_value=PARAGRAPH_PREVIEW,
    )
    image = ImageBlock()
    document = DocumentBlock()
    media = MediaBlock()
    quote = QuoteBlock()
    reflect = ReflectBlock()
    community = CommunityBlock()
    key_terms = for_chooser(
        blocks.ListBlock(
            KeyTermBlock(),
            label=_("Key terms"),
            icon="list-ul",
            template="courses/blocks/key_terms_block.html",
        ),
        description=_("The key words of the lesson, each with what it means."),
        preview_value=[
            KEY_TERM,
            {
                "term": "Asamblea",
                "definition": "La reunión de las y los integrantes del consejo "
                "donde se toman las decisiones.",
            },
        ],
    )

    class Meta:
        description = _("The content of a lesson.")
        preview_value = [
            {"type": "heading", "value": HEADING_PREVIEW},
            {"type": "paragraph", "value": PARAGRAPH_PREVIEW},
        ]


QUESTION = {
    "text": "¿Quién toma las decisiones en un consejo comunitario?",
    "choices": [
        {
            "text": "La asamblea de sus integrantes",
            "correct": True,
            "feedback": "Así es: en el consejo las decisiones se toman en asamblea.",
        },
        {
            "text": "Solo la persona que lo coordina",
            "correct": False,
            "feedback": "Quien coordina organiza el trabajo, pero decide la asamblea.",
        },
        {
            "text": "El gobierno municipal",
            "correct": False,
            "feedback": "El consejo es de la comunidad: sus decisiones "
            "son de sus integrantes.",
        },
    ],
}


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.CharBlock(
        label=_("Feedback"),
        required=False,
        max_length=400,
        help_text=_("Shown after answering: why this answer is right or not."),
    )

    class Meta:
        description = _(
            "A possible answer, whether it is right, and what whoever picks it reads."
        )
        preview_value = QUESTION["choices"][0]


class QuestionBlock(blocks.StructBlock):
    """A quiz question; one or more of its choices are correct."""

    text = blocks.CharBlock(label=_("Question"), max_length=400)
    choices = blocks.ListBlock(ChoiceBlock(), label=_("Answers"), min_num=2, max_num=8)

    class Meta:
        icon = "help"
        label = _("Question")
        description = _(
            "A question of the lesson's quiz and its answers: mark at least one "
            "as right."
        )
        preview_value = QUESTION

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

    class Meta:
        description = _("The questions of a lesson's quiz.")
        preview_value = [{"type": "question", "value": QUESTION}]
