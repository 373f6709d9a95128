"""The materials library: MaterialIndexPage → MaterialPage."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cococi_site.api_fields import (
    ShownField,
    document_url,
    image_representation,
    label_of,
)
from cococi_site.pages import SitePageMixin

from ..filters import ListingFilters, filter_links
from .axes import Axis


class MaterialKind(models.TextChoices):
    BOOKLET = "cuadernillo", _("Booklet")
    INFOGRAPHIC = "infografia", _("Infographic")
    GUIDE = "guia", _("Guide")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    READING = "lectura", _("Reading")


class MaterialIndexPage(SitePageMixin, Page):
    """The library at /materiales/, filtered by axis, type and topic."""

    summary_fields = ("intro",)

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.MaterialPage"]
    max_count = 1

    class Meta:
        verbose_name = _("materials library")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filters = ListingFilters(request, kinds=MaterialKind.choices)
        listed = MaterialPage.objects.live().public().child_of(self)
        materials = (
            listed.select_related("axis", "document", "cover_image")
            .prefetch_related("cover_image__renditions")
            .order_by("axis__number", "title")
        )
        if filters.axis:
            materials = materials.filter(axis=filters.axis)
        if filters.kind:
            materials = materials.filter(kind=request.GET["tipo"].strip())
        if filters.tag:
            materials = materials.filter(tagged_items__tag=filters.tag)
        # Topics of the materials listed here (published, public) only.
        tags = (
            Tag.objects.filter(
                courses_materialtag_items__content_object__in=listed.values("pk")
            )
            .distinct()
            .order_by("name")
        )
        context.update(
            filters=filters,
            materials_page=filters.paginate(materials),
            axis_links=filter_links(
                filters,
                "eje",
                [(axis.slug, axis.name) for axis in filters.axes],
                filters.axis.slug if filters.axis else None,
            ),
            kind_links=filter_links(
                filters,
                "tipo",
                MaterialKind.choices,
                request.GET.get("tipo") if filters.kind else None,
            ),
            tag_links=filter_links(
                filters,
                "tema",
                [(tag.slug, tag.name) for tag in tags],
                filters.tag.slug if filters.tag else None,
            ),
        )
        return context


class MaterialTag(TaggedItemBase):
    content_object = ParentalKey(
        "courses.MaterialPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class MaterialPage(SitePageMixin, Page):
    """A booklet, infographic, guide, audio, video or reading to download or play."""

    summary_fields = ("description",)

    kind = models.CharField(_("type"), max_length=12, choices=MaterialKind.choices)
    axis = models.ForeignKey(
        Axis, verbose_name=_("axis"), on_delete=models.PROTECT, related_name="materials"
    )
    description = RichTextField(
        _("description"), features=["bold", "italic", "link", "ol", "ul"]
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    embed_url = models.URLField(
        _("video or audio address"),
        blank=True,
        help_text=_("For example a YouTube, Vimeo or SoundCloud address."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(
        through=MaterialTag, blank=True, verbose_name=_("topics")
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("axis"), FieldPanel("tags")],
            heading=_("Classification"),
        ),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("document"),
                FieldPanel("embed_url"),
                FieldPanel("cover_image"),
            ],
            heading=_("File or media"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.FilterField("kind"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("kind"),
        APIField("kind_label"),
        APIField("axis_info"),
        APIField("description"),
        APIField("embed_url"),
        APIField(
            "download_url", serializer=ShownField(document_url, source="document")
        ),
        APIField(
            "cover",
            serializer=ShownField(image_representation, source="cover_image"),
        ),
    ]

    parent_page_types = ["courses.MaterialIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def clean(self):
        super().clean()
        if not self.document_id and not self.embed_url:
            raise ValidationError(
                _(
                    "Attach a file or give a video or audio address: "
                    "a material needs one."
                )
            )

    @property
    def axis_info(self):
        return {
            "number": self.axis.number,
            "name": self.axis.name,
            "slug": self.axis.slug,
        }

    @property
    def kind_label(self):
        return label_of(self, "kind")
