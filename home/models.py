from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cococi_site.pages import SitePageMixin
from courses.models import Axis, CourseIndexPage, CoursePage

from .blocks import ActionBlock, SectionBlock


class HomePage(SitePageMixin, Page):
    """The site's root page: what a COCOCI is, the six axes and where to start."""

    lead = models.CharField(
        _("lead"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences under the main title."),
    )
    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )
    start_course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course to start with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown as «Start here» to someone who arrives. If you choose none, "
            "the first course in the order of the Courses page is shown."
        ),
    )
    axes_heading = models.CharField(
        _("axes section heading"), max_length=120, default="Nuestros ejes estratégicos"
    )
    actions = StreamField(
        [("action", ActionBlock())],
        verbose_name=_("calls to action"),
        blank=True,
        max_num=4,
    )
    body = StreamField(
        [("section", SectionBlock())], verbose_name=_("sections"), blank=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("lead"),
        FieldPanel("intro"),
        FieldPanel("actions"),
        FieldPanel("start_course"),
        FieldPanel("axes_heading"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def first_course(self):
        """Where a newcomer starts: the course the editor chose, while it is
        published and open to all; otherwise the first course as the editors
        ordered them under the catalogue (the introductory one comes first,
        whatever its axis), so the slot is never empty."""
        courses = CoursePage.objects.live().public().select_related("primary_axis")
        if self.start_course_id:
            chosen = courses.filter(pk=self.start_course_id).first()
            if chosen is not None:
                return chosen
        return courses.order_by("path").first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["axes"] = Axis.objects.ordered()
        context["catalogue"] = CourseIndexPage.objects.live().first()
        context["first_course"] = self.first_course()
        return context


class WorkerHeartbeat(models.Model):
    """When each Celery worker last ran a task; /salud/ reports it."""

    worker = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.worker} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
