"""The page tree is the organisation tree: CouncilIndexPage (/consejos/) →
StatePage (/consejos/<estado>/) → CouncilPage (/consejos/<estado>/<consejo>/)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cococi_site.api_fields import label_of
from cococi_site.page_cache import page_asked
from cococi_site.pages import SitePageMixin, validate_one_line
from courses.models import CoursePage, Enrollment

from ..blocks import CouncilStreamBlock
from .territory import Municipality, State

# Below this many people a collective figure could point at individuals.
MILESTONE_MIN_COUNT = 5


class CouncilStatus(models.TextChoices):
    FORMING = "en_formacion", _("Being formed")
    CONSTITUTED = "constituido", _("Constituted")
    INACTIVE = "inactivo", _("Inactive")


class CouncilIndexPage(SitePageMixin, Page):
    """The directory at /consejos/: every state with its number of councils."""

    summary_fields = ("intro",)

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["councils.StatePage", "councils.ConstitutionGuidePage"]
    max_count = 1

    class Meta:
        verbose_name = _("council directory")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        counts = dict(
            CouncilPage.objects.live()
            .public()
            .order_by()  # the page ordering would split the groups
            .values_list("state")
            .annotate(total=Count("pk"))
            .values_list("state", "total")
        )
        states = list(
            StatePage.objects.live()
            .public()
            .child_of(self)
            .select_related("state")
            .order_by("state__name")
        )
        for state_page in states:
            state_page.council_count = counts.get(state_page.state_id, 0)
        # States with councils are what a visitor looks for; those still
        # without one are folded below, each still a link to its page.
        context["states"] = [page for page in states if page.council_count]
        context["states_without_councils"] = [
            page for page in states if not page.council_count
        ]
        context["council_total"] = sum(counts.values())
        context["guide"] = (
            ConstitutionGuidePage.objects.live().public().child_of(self).first()
        )
        return context


class StatePage(SitePageMixin, Page):
    """A state's councils, by municipality. Its state coordination holds rights on
    this page once, and so on every council below it."""

    summary_fields = ("intro",)

    state = models.OneToOneField(
        State,
        verbose_name=_("state"),
        on_delete=models.PROTECT,
        related_name="page",
    )
    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )
    # Provisioned the first time someone is given a state-level role here.
    group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("coordination group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="state_pages",
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("collection"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [*Page.content_panels, FieldPanel("state"), FieldPanel("intro")]
    parent_page_types = ["councils.CouncilIndexPage"]
    subpage_types = ["councils.CouncilPage"]

    class Meta:
        verbose_name = _("state page")

    def councils(self):
        return (
            CouncilPage.objects.live()
            .public()
            .filter(state_id=self.state_id)
            .select_related("municipality")
            .order_by("municipality__name", "sector", "title")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        councils_page = page_asked(request, Paginator(self.councils(), 50))
        context["councils_page"] = councils_page
        return context


def municipality_outside(municipality, state):
    """The error to show when ``municipality`` is not in ``state``, else None."""
    if municipality and municipality.state_id != state.pk:
        return _("The municipality must be in %(state)s, the state of this page.") % {
            "state": state.name
        }
    return None


# A contact phone written as one number: ASCII digits with the spaces, dashes,
# dots and parentheses people group them with, and an optional leading +;
# between a local number (7 digits) and E.164's longest (15).
ONE_PHONE_NUMBER = re.compile(r"\+?[0-9 .()\-]+", re.ASCII)
MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15


class CouncilPageForm(WagtailAdminPageForm):
    """Checks in the admin what needs the parent page, which a new page lacks,
    and offers only the municipalities of the parent's state (INEGI's
    catalogue lists some 2,470 in all)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.parent_page.specific if self.parent_page else None
        field = self.fields.get("municipality")
        if field is not None and isinstance(parent, StatePage):
            field.queryset = Municipality.objects.filter(state=parent.state_id)
            # One state: its name after each municipality would only be noise.
            field.label_from_instance = lambda municipality: municipality.name

    def clean(self):
        cleaned = super().clean()
        parent = self.parent_page.specific if self.parent_page else None
        if isinstance(parent, StatePage):
            error = municipality_outside(cleaned.get("municipality"), parent.state)
            if error:
                self.add_error("municipality", error)
        return cleaned


class CouncilPage(SitePageMixin, RoutablePageMixin, Page):
    """A COCOCI's public page, edited and published by its own leaders only.

    Creating one provisions its group, private collection and page permissions
    (see ``councils.provisioning``); the member list is never shown here.
    Its "join" action (``unirme/``) is a route that ``councils.views`` declares
    (``page_route``).
    """

    summary_fields = ("body",)

    # A copy is another council: it gets its own group and collection, never
    # the rights and files of the page it was copied from (nor its state, which
    # comes from where the copy is put).
    exclude_fields_in_copy = ["group", "collection", "state"]

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="councils",
    )
    sector = models.CharField(
        _("sector"),
        max_length=120,
        blank=True,
        help_text=_(
            "For councils that are not territorial (e.g. a trade or a university)."
        ),
        validators=[validate_one_line],
    )
    # The state of the parent page, kept on the row so scopes are one filter.
    state = models.ForeignKey(
        State,
        verbose_name=_("state"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="councils",
    )
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=CouncilStatus.choices,
        default=CouncilStatus.FORMING,
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    priority_axes = ParentalManyToManyField(
        "courses.Axis",
        verbose_name=_("priority axes"),
        blank=True,
        related_name="councils",
    )
    meeting_place = models.CharField(
        _("meeting place"), max_length=200, blank=True, validators=[validate_one_line]
    )
    meeting_schedule = models.CharField(
        _("meeting schedule"),
        max_length=200,
        blank=True,
        validators=[validate_one_line],
        help_text=_("For example: every other Saturday at 10:00."),
    )
    body = StreamField(CouncilStreamBlock(), verbose_name=_("description"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("leaders' group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="council_pages",
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("private collection"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("municipality"),
                FieldPanel("sector"),
                FieldPanel("status"),
                FieldPanel("founded_on"),
            ],
            heading=_("Council"),
        ),
        FieldPanel("priority_axes", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("meeting_place"),
                FieldPanel("meeting_schedule"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
            ],
            heading=_("Meetings and contact"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("sector"),
        index.SearchField("meeting_place"),
        index.SearchField("body"),
        index.RelatedFields("municipality", [index.SearchField("name")]),
        index.FilterField("status"),
    ]
    api_fields = [
        APIField("status"),
        APIField("status_label"),
        APIField("municipality_name"),
        APIField("state_name"),
        APIField("sector"),
        APIField("founded_on"),
        APIField("meeting_place"),
        APIField("meeting_schedule"),
        APIField("priority_axes_info"),
        APIField("body"),
    ]
    parent_page_types = ["councils.StatePage"]
    subpage_types = []
    base_form_class = CouncilPageForm

    class Meta:
        verbose_name = _("council page")
        verbose_name_plural = _("council pages")

    def __str__(self):
        return self.title

    @property
    def municipality_name(self):
        return self.municipality.name if self.municipality_id else ""

    @property
    def state_name(self):
        return self.state.name if self.state_id else ""

    @property
    def status_label(self):
        return label_of(self, "status")

    @property
    def priority_axes_info(self):
        """Its priority axes, as its page lists them (by number)."""
        return [
            {"number": axis.number, "name": axis.name, "slug": axis.slug}
            for axis in sorted(self.priority_axes.all(), key=lambda a: a.number)
        ]

    @property
    def place_label(self):
        return self.municipality_name or self.sector

    @property
    def phone_link(self):
        """The contact phone as a ``tel:`` address: digits and a leading +
        only, as a phone dials it ("33 1234-5678" → "tel:3312345678"). Only
        when the field holds one number written the usual ways: two numbers
        ("33 1234 5678 o 33 8765 4321") or words around one would run
        together into a number nobody has; those are shown, not linked."""
        phone = self.contact_phone.strip()
        if not ONE_PHONE_NUMBER.fullmatch(phone):
            return ""
        digits = re.sub(r"[^0-9]", "", phone)
        if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
            return ""
        return f"tel:{'+' if phone.startswith('+') else ''}{digits}"

    def clean(self):
        super().clean()
        if not self.municipality_id and not self.sector.strip():
            raise ValidationError(
                {"municipality": _("Choose a municipality or write a sector.")}
            )
        # A new page has no state yet: the admin form checks it against the
        # parent page (CouncilPageForm).
        if self.state_id:
            error = municipality_outside(self.municipality, self.state)
            if error:
                raise ValidationError({"municipality": error})
        if council_name_taken(
            self.title, self.municipality_id, self.sector, exclude=self.pk
        ):
            raise ValidationError(
                {"title": _("There is already a council with this name there.")}
            )

    def save(self, *args, **kwargs):
        """One transaction for the row and what its ``post_save`` receiver
        derives from it (``councils.signals``: the denormalised state of the
        parent page and, on creation, the council's group, collection and
        permissions)."""
        with transaction.atomic():
            super().save(*args, **kwargs)

    def state_settle(self):
        """Copies the state of the parent state page, once, onto the row."""
        if self.state_id is None:
            self.state_id = (
                StatePage.objects.filter(path=self.path[: -self.steplen])
                .values_list("state_id", flat=True)
                .first()
            )
            if self.state_id:
                CouncilPage.objects.filter(pk=self.pk).update(state_id=self.state_id)

    # Public page

    def upcoming_public_meetings(self):
        return self.meetings.filter(
            is_public=True, starts_at__gte=timezone.now()
        ).order_by("starts_at")[:5]

    def recommended_courses(self):
        axes = self.priority_axes.all()
        return (
            CoursePage.objects.live()
            .public()
            .filter(Q(primary_axis__in=axes) | Q(other_axes__in=axes))
            .select_related("primary_axis")
            .distinct()
            .order_by("primary_axis__number", "path")[:6]
        )

    def milestones(self):
        """Collective achievements of the active members, never below 5 people."""
        members = self.memberships.active().values("user_id")
        rows = (
            Enrollment.objects.completed()
            .filter(user_id__in=members, course__live=True)
            .values("course__title")
            .annotate(people=Count("user_id", distinct=True))
            .filter(people__gte=MILESTONE_MIN_COUNT)
            .order_by("-people", "course__title")[:6]
        )
        return [(row["course__title"], row["people"]) for row in rows]

    def member_count(self):
        """Active members, or None below the privacy threshold."""
        total = self.memberships.active().count()
        return total if total >= MILESTONE_MIN_COUNT else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            meetings=self.upcoming_public_meetings(),
            recommended=self.recommended_courses(),
            milestones=self.milestones(),
            member_count=self.member_count(),
            axes=list(self.priority_axes.all()),
        )
        if request.user.is_authenticated:
            context["my_membership"] = (
                self.memberships.filter(user=request.user)
                .not_rejected()
                .order_by("-requested_at")
                .first()
            )
        return context


def council_name_taken(name, municipality_id, sector, exclude=None):
    """Whether a council of this name exists in the municipality (or sector)."""
    councils = CouncilPage.objects.filter(title__iexact=name.strip())
    if municipality_id:
        councils = councils.filter(municipality_id=municipality_id)
    else:
        councils = councils.filter(
            municipality__isnull=True, sector__iexact=sector.strip()
        )
    if exclude:
        councils = councils.exclude(pk=exclude)
    return councils.exists()


class ConstitutionGuidePage(SitePageMixin, RoutablePageMixin, Page):
    """ "Cómo constituir un consejo": the procedure, and the request form for
    signed-in members at ``solicitud/``, a route that ``councils.views``
    declares (``page_route``)."""

    summary_fields = ("intro", "body")

    intro = models.CharField(_("lead"), max_length=300, blank=True)
    body = StreamField(CouncilStreamBlock(), verbose_name=_("procedure"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["councils.CouncilIndexPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("how to constitute a council")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            # With how many founders confirmed with their account: those
            # approval makes members (who the others are, or whether they have
            # an account, is not said).
            context["my_requests"] = request.user.constitution_requests.select_related(
                "state", "council"
            ).annotate(
                confirmed=Count(
                    "founders", filter=Q(founders__confirmed_at__isnull=False)
                )
            )
        return context
