"""The course catalogue: CourseIndexPage → CoursePage (and its printable
booklet, CourseBooklet) → LessonPage."""

from datetime import timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from cococi_site import content
from cococi_site.api_fields import (
    ShownField,
    image_representation,
    label_of,
    number_field,
)
from cococi_site.files import private_storage
from cococi_site.pages import KeptByItsMemberMixin, SitePageMixin, restricted_ids

from ..blocks import LessonStreamBlock, QuizStreamBlock
from ..filters import ListingFilters, filter_links
from ..quiz import QuizAttemptState, attempt_id_in, choice_order_key, quiz_grade
from .axes import Axis
from .progress import Enrollment, LessonCompletion, QuizAttempt


class Level(models.TextChoices):
    BASIC = "basico", _("Basic")
    INTERMEDIATE = "intermedio", _("Intermediate")
    ADVANCED = "avanzado", _("Advanced")


def live_children_count(model, outer_depth="depth"):
    """A subquery counting a page's live children of ``model``, for annotations."""
    children = (
        model.objects.live()
        .filter(path__startswith=OuterRef("path"), depth=OuterRef(outer_depth) + 1)
        .order_by()
        .annotate(total=Func(F("pk"), function="COUNT"))
        .values("total")
    )
    return Subquery(children, output_field=models.IntegerField())


class CourseIndexPage(SitePageMixin, Page):
    """The catalogue at /cursos/: every course, filtered by axis, level and topic."""

    summary_fields = ("intro",)

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def courses(self):
        return (
            CoursePage.objects.live()
            .public()
            .child_of(self)
            .select_related("primary_axis", "cover_image")
            .prefetch_related("cover_image__renditions")
            .annotate(lesson_count=live_children_count(LessonPage))
            .order_by("primary_axis__number", "path")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filters = ListingFilters(request, levels=Level.choices)
        listed = courses = self.courses()
        if filters.axis:
            courses = courses.filter(primary_axis=filters.axis)
        if filters.level:
            courses = courses.filter(level=request.GET["nivel"].strip())
        if filters.tag:
            courses = courses.filter(tagged_items__tag=filters.tag)
        # Topics of the courses listed here (published, public): none of a
        # draft's or a restricted page's.
        tags = (
            Tag.objects.filter(
                courses_coursetag_items__content_object__in=listed.values("pk")
            )
            .distinct()
            .order_by("name")
        )
        courses_page = filters.paginate(courses)
        if request.user.is_authenticated:
            attach_learner_progress(request.user, courses_page.object_list)
            if filters.axis:
                context["axis_followed"] = filters.axis.follows.filter(
                    user=request.user
                ).exists()
        context.update(
            filters=filters,
            courses_page=courses_page,
            axis_links=filter_links(
                filters,
                "eje",
                [(axis.slug, axis.name) for axis in filters.axes],
                filters.axis.slug if filters.axis else None,
            ),
            level_links=filter_links(
                filters,
                "nivel",
                Level.choices,
                request.GET.get("nivel") if filters.level else None,
            ),
            tag_links=filter_links(
                filters,
                "tema",
                [(tag.slug, tag.name) for tag in tags],
                filters.tag.slug if filters.tag else None,
            ),
        )
        return context


def attach_learner_progress(user, courses):
    """Set ``progress`` (done, total, next lesson) on each course of a listing:
    two queries whatever the number of courses or completions."""
    courses = list(courses)
    by_path = {course.path: course for course in courses}
    if not courses:
        return
    under_any = reduce(or_, (Q(path__startswith=path) for path in by_path))
    # Rows, not pages: a member with forty courses has three hundred lessons,
    # and making a Wagtail page object costs more than reading its row.
    lessons = (
        LessonPage.objects.live()
        .filter(under_any, depth=courses[0].depth + 1)
        .order_by("path")
        .values_list("pk", "title", "path", "depth", "url_path")
    )
    completed = LessonCompletion.objects.filter(
        user=user, course__in=[course.pk for course in courses]
    ).lesson_ids()
    for course in courses:
        course.progress = {"done": 0, "total": 0, "next": None}
    for pk, title, tree_path, depth, url_path in lessons:
        progress = by_path[tree_path[: -LessonPage.steplen]].progress
        progress["total"] += 1
        if pk in completed:
            progress["done"] += 1
        elif progress["next"] is None:
            # Only what {% pageurl %} and the title need.
            progress["next"] = Page(
                pk=pk, title=title, path=tree_path, depth=depth, url_path=url_path
            )
    for course in courses:
        total = course.progress["total"]
        course.progress["percent"] = (
            round(100 * course.progress["done"] / total) if total else 0
        )


def without_unpublished_courses(pages):
    """Leave out pages under a course that is not live (a draft or in review):
    its lessons are not public even if an editor already published them."""
    paths = list(CoursePage.objects.not_live().values_list("path", flat=True))
    if not paths:
        return pages
    return pages.exclude(reduce(or_, (Q(path__startswith=path) for path in paths)))


class CourseTag(TaggedItemBase):
    content_object = ParentalKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


def lessons_counted(course, context=None):
    """``course``'s published lessons, as the API says: counted by the
    listing's query where it did (``lesson_count``, as the catalogue's), else now."""
    counted = getattr(course, "lesson_count", None)
    return course.lessons().count() if counted is None else counted


class CoursePage(KeptByItsMemberMixin, SitePageMixin, RoutablePageMixin, Page):
    """A formation course on a primary axis, made of ordered lessons. Its
    actions (enrolling, the booklet's download) are routes that
    ``courses.views`` declares (``page_route``)."""

    # A leader's page shows the facilitator notes: never kept by her browser.
    kept_unless = ("show_facilitator_notes",)

    summary_fields = ("summary",)

    primary_axis = models.ForeignKey(
        Axis,
        verbose_name=_("primary axis"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    other_axes = ParentalManyToManyField(
        Axis, verbose_name=_("other axes"), blank=True, related_name="secondary_courses"
    )
    level = models.CharField(
        _("level"), max_length=12, choices=Level.choices, default=Level.BASIC
    )
    summary = models.TextField(_("summary"), max_length=600)
    objectives = RichTextField(
        _("learning objectives"),
        blank=True,
        features=["bold", "italic", "ol", "ul"],
        help_text=_("What a person will be able to do after the course, as a list."),
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=5,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(500)],
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
        through=CourseTag, blank=True, verbose_name=_("topics")
    )
    prerequisites = ParentalManyToManyField(
        "self",
        verbose_name=_("prerequisite courses"),
        symmetrical=False,
        blank=True,
        related_name="required_by",
    )
    facilitator_notes = RichTextField(
        _("facilitator notes"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("Only leaders and editors see these notes."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("primary_axis"),
                FieldPanel("other_axes"),
                FieldPanel("level"),
                FieldPanel("estimated_hours"),
            ],
            heading=_("Classification"),
        ),
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("cover_image"),
        FieldPanel("tags"),
        FieldPanel("prerequisites"),
        FieldPanel("facilitator_notes", permission="courses.view_facilitator_notes"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.FilterField("level"),
        index.FilterField("primary_axis"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("primary_axis_info"),
        APIField("level"),
        APIField("level_label"),
        APIField("summary"),
        APIField("objectives"),
        number_field("estimated_hours"),
        APIField(
            "lesson_count",
            serializer=ShownField(lessons_counted, source="*"),
        ),
        APIField("tag_names"),
        APIField(
            "cover",
            serializer=ShownField(image_representation, source="cover_image"),
        ),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        permissions = [("view_facilitator_notes", _("Can see facilitator notes"))]

    @property
    def primary_axis_info(self):
        axis = self.primary_axis
        return {"number": axis.number, "name": axis.name, "slug": axis.slug}

    @property
    def tag_names(self):
        return sorted(tag.name for tag in self.tags.all())

    @property
    def level_label(self):
        return label_of(self, "level")

    def lessons(self):
        return LessonPage.objects.live().child_of(self).order_by("path")

    @cached_property
    def booklet(self):
        return CourseBooklet.objects.filter(course=self).first()

    def prerequisites_listed(self):
        """The published prerequisites anyone may see, and those behind a view
        restriction: these are never named (the catalogue lists none of them
        either), though they still have to be completed."""
        # filter(), not live(): in a preview the relation is modelcluster's
        # in-memory one, which has no live().
        prerequisites = list(
            self.prerequisites.filter(live=True).select_related("primary_axis")
        )
        hidden = restricted_ids(prerequisites)
        shown = [course for course in prerequisites if course.pk not in hidden]
        return shown, [course for course in prerequisites if course.pk in hidden]

    def next_for(self, user):
        """A course to suggest to ``user`` after this one: live, public, not
        yet started, with no prerequisite she still lacks; first one that
        asks for this course, then one of its axis, then any, in catalogue
        order. None when there is none. One query."""
        started = Enrollment.objects.filter(user=user).values("course_id")
        completed = Enrollment.objects.completed().filter(user=user).values("course_id")
        unlocked = CoursePage.prerequisites.through.objects.filter(
            from_coursepage=OuterRef("pk"), to_coursepage=self.pk
        )
        return (
            CoursePage.objects.live()
            .public()
            .exclude(pk__in=started)
            .exclude(
                prerequisites__in=CoursePage.objects.live().exclude(pk__in=completed)
            )
            .annotate(
                unlocked=Exists(unlocked),
                same_axis=ExpressionWrapper(
                    Q(primary_axis=self.primary_axis_id),
                    output_field=models.BooleanField(),
                ),
            )
            .select_related("primary_axis")
            .order_by("-unlocked", "-same_axis", "primary_axis__number", "path")
            .first()
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        prerequisites, restricted = self.prerequisites_listed()
        lessons = list(
            self.lessons().only(
                "title", "slug", "url_path", "path", "depth", "estimated_minutes"
            )
        )
        context.update(
            lessons=lessons,
            total_minutes=sum(lesson.estimated_minutes for lesson in lessons),
            prerequisites=prerequisites,
            restricted_prerequisites=len(restricted),
            show_facilitator_notes=request.user.has_perm(
                "courses.view_facilitator_notes"
            ),
            catalogue_url=self.get_parent().get_url(request),
        )
        if request.user.is_authenticated:
            context.update(learner_course_context(request.user, self, lessons))
            if context["enrollment"] is None and (prerequisites or restricted):
                # What to finish first, instead of a button that would refuse.
                completed = set(
                    Enrollment.objects.completed()
                    .filter(
                        user=request.user,
                        course__in=[c.pk for c in (*prerequisites, *restricted)],
                    )
                    .values_list("course_id", flat=True)
                )
                context["prerequisites_missing"] = [
                    c for c in prerequisites if c.pk not in completed
                ]
                context["restricted_prerequisites_missing"] = sum(
                    1 for c in restricted if c.pk not in completed
                )
        return context


class CourseBooklet(models.Model):
    """The printable PDF cuadernillo of a course, rebuilt by a task when it changes."""

    course = models.OneToOneField(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="booklet_file",
    )
    # Served by the course page's own route, which applies its view restrictions.
    file = models.FileField(
        _("file"), upload_to="cuadernillos/", storage=private_storage
    )
    fingerprint = models.CharField(
        _("content fingerprint"),
        max_length=64,
        help_text=_("A hash of the content the PDF was made from."),
    )
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    # The facilitator's edition: the same booklet with the quizzes' answers
    # and the facilitator notes, for leaders and editors only (its own route
    # checks ``courses.view_facilitator_notes``); private storage like the
    # member's, never under a URL of its own.
    facilitator_file = models.FileField(
        _("facilitator's edition"),
        upload_to="cuadernillos/",
        storage=private_storage,
        blank=True,
    )
    facilitator_size = models.PositiveIntegerField(
        _("size of the facilitator's edition in bytes"), default=0
    )
    generated_at = models.DateTimeField(_("generated at"), auto_now=True)

    class Meta:
        verbose_name = _("course booklet")
        verbose_name_plural = _("course booklets")

    def __str__(self):
        return str(self.course)


WEEK_IN_MINUTES = 7 * 24 * 60


class LessonPageQuerySet(PageQuerySet):
    def open_to_all(self):
        """Live lessons of live courses behind no view restriction (their own
        or an ancestor's): what a study circle may cover. Closing a circle
        completes its lessons for everyone present, and enrols them in the
        course, so a restricted course's lesson would reach people it is
        closed to."""
        live_courses = CoursePage.objects.live().values("path")
        return (
            self.live()
            .public()
            .annotate(
                course_path=Substr("path", 1, Length("path") - LessonPage.steplen)
            )
            .filter(course_path__in=live_courses)
        )


class LessonPage(KeptByItsMemberMixin, SitePageMixin, RoutablePageMixin, Page):
    """A lesson: a body of blocks to study, and an optional quiz with a pass
    mark. Its actions (completing it, sending the quiz) are routes that
    ``courses.views`` declares (``page_route``)."""

    summary_fields = ("body",)

    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("content"))
    quiz = StreamField(
        QuizStreamBlock(),
        verbose_name=_("quiz"),
        blank=True,
        help_text=_("Optional. Mark one or more correct answers in every question."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Percentage of correct answers needed to pass, from 0 to 100."),
    )
    # Moodle's habits: a limit on attempts and a wait between them, per quiz.
    # Neither by default, so failing and trying again at once stays possible.
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Leave empty for no limit."),
    )
    attempt_wait_minutes = models.PositiveIntegerField(
        _("wait between attempts (minutes)"),
        default=0,
        validators=[MaxValueValidator(WEEK_IN_MINUTES)],
        help_text=_(
            "Minutes a person waits after an attempt before the next one; "
            "0 for no wait, at most a week (10080)."
        ),
    )
    facilitator_notes = RichTextField(
        _("facilitator notes"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_(
            "Optional. How to run this lesson in a study circle: timing, "
            "materials, what to ask. Printed only in the facilitator's edition "
            "of the booklet, which only leaders and editors download."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("quiz"),
                FieldPanel("pass_mark"),
                FieldPanel("max_attempts"),
                FieldPanel("attempt_wait_minutes"),
            ],
            heading=_("Quiz"),
        ),
        FieldPanel("facilitator_notes", permission="courses.view_facilitator_notes"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    # The quiz itself is left out on purpose: the API must never reveal the
    # answers. Its questions and choices are there as the public page shows
    # them (``quiz_questions``: no correct flag, no feedback).
    api_fields = [
        APIField("estimated_minutes"),
        APIField("body"),
        APIField("quiz_size"),
        APIField("pass_mark"),
        APIField("quiz_questions"),
    ]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    objects = PageManager.from_queryset(LessonPageQuerySet)()

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def quiz_size(self):
        return len(self.quiz)

    def quiz_questions(self, seed=None):
        """Questions with their choices' ids, for the form; never the answers.

        Choices are never in the order they were written (editors tend to
        write the right one first): they are shuffled by ``seed``, a person's
        attempt (``quiz_seed``), or else one order for every visitor and the
        booklet. Answers are graded by the choices' ids, never by position.
        """
        return [
            {
                "id": question.id,
                "text": question.value["text"],
                "multiple": sum(1 for c in question.value["choices"] if c["correct"])
                > 1,
                "choices": [
                    {"id": bound.id, "text": bound.value["text"]}
                    for bound in self.ordered_choices(question, seed)
                ],
            }
            for question in self.quiz
        ]

    def ordered_choices(self, question, seed=None):
        """``question``'s choices (bound blocks) in the order ``seed`` gives,
        or the one public order of every visitor and both booklets."""
        seed = seed or f"public:{self.pk}"
        return sorted(
            question.value["choices"].bound_blocks,
            key=lambda bound: choice_order_key(bound, seed),
        )

    def quiz_answer_key(self):
        """The quiz as the booklet prints it (the one public order), each
        choice with whether it is correct and its feedback: for the
        facilitator's edition only, never for a page or the API."""
        return [
            {
                "text": question.value["text"],
                "choices": [
                    {
                        "text": bound.value["text"],
                        "correct": bound.value["correct"],
                        "feedback": bound.value["feedback"],
                    }
                    for bound in self.ordered_choices(question)
                ],
            }
            for question in self.quiz
        ]

    def quiz_seed(self, user, attempt_number):
        """The order of a person's choices: the same on every reload until they
        send the attempt, another one for the next attempt."""
        return f"{user.pk}:{self.pk}:{attempt_number}"

    def last_attempt(self, user):
        """``user``'s last attempt at this quiz, or None; ``attempts_count`` on
        it says how many they sent. One query, which is also the attempt the
        page shows right after it was sent."""
        return (
            QuizAttempt.objects.filter(user=user, lesson=self)
            .annotate(attempts_count=Window(Count("pk")))
            .order_by("-received_at", "-pk")
            .first()
        )

    def attempt_state(self, last_attempt):
        """Whether the person whose last attempt is ``last_attempt`` (from
        ``last_attempt()``) may send another now (see ``QuizAttemptState``)."""
        left = None
        if self.max_attempts:
            sent = last_attempt.attempts_count if last_attempt else 0
            left = max(self.max_attempts - sent, 0)
        retry_at = None
        if self.attempt_wait_minutes and last_attempt:
            retry_at = last_attempt.received_at + timedelta(
                minutes=self.attempt_wait_minutes
            )
            if retry_at <= timezone.now():
                retry_at = None
        return QuizAttemptState(attempts_left=left, retry_at=retry_at)

    def outline(self):
        """(the live course, its live lessons in order), or (None, []) while
        the course is not live; kept under the content generation."""

        def build():
            course = (
                CoursePage.objects.live()
                .select_related("primary_axis")
                .only(
                    "title",
                    "url_path",
                    "path",
                    "depth",
                    "live",
                    "primary_axis",
                    # A lesson without an image of its own is shared with its
                    # course's cover (home.sharing).
                    "cover_image",
                )
                .filter(path=course_path)
                .first()
            )
            if course is None:
                return (None, [])
            lessons = (
                LessonPage.objects.live()
                .child_of(course)
                .order_by("path")
                .only("title", "url_path", "path", "depth")
            )
            return (course, list(lessons))

        course_path = self.path[: -self.steplen]
        return content.cached(f"courses:outline:{course_path}", build)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        course, siblings = self.outline()
        if course is None:
            # A lesson is public only while its course is (not during review).
            raise Http404(_("This lesson is not published."))
        position = next(
            (i for i, lesson in enumerate(siblings) if lesson.pk == self.pk), None
        )
        previous_lesson = next_lesson = None
        if position is not None:
            previous_lesson = siblings[position - 1] if position > 0 else None
            next_lesson = (
                siblings[position + 1] if position + 1 < len(siblings) else None
            )
        context.update(
            course=course,
            lesson_number=(position or 0) + 1,
            lesson_total=len(siblings),
            previous_lesson=previous_lesson,
            next_lesson=next_lesson,
        )
        if request.user.is_authenticated:
            context.update(learner_lesson_context(request, self, course, siblings))
        else:
            # The same order for every visitor: the page may come from the cache.
            context["quiz_questions"] = self.quiz_questions() if self.quiz else []
        return context


def learner_course_context(user, course, lessons):
    """A member's enrolment and progress on a course page: three queries."""
    enrollment = Enrollment.objects.filter(user=user, course=course).first()
    completed_ids = LessonCompletion.objects.filter(
        user=user, course=course
    ).lesson_ids()
    done = sum(1 for lesson in lessons if lesson.pk in completed_ids)
    next_lesson = next(
        (lesson for lesson in lessons if lesson.pk not in completed_ids), None
    )
    return {
        "enrollment": enrollment,
        "completed_ids": completed_ids,
        "progress_done": done,
        "progress_total": len(lessons),
        "progress_percent": round(100 * done / len(lessons)) if lessons else 0,
        "continue_lesson": next_lesson,
    }


def learner_lesson_context(request, lesson, course, siblings):
    """A member's state on a lesson page: completion, progress, the quiz in
    their own order with what its attempt policy allows, and an attempt."""
    context = learner_course_context(request.user, course, siblings)
    context["lesson_completed"] = lesson.pk in context["completed_ids"]
    context["quiz_questions"] = []
    if not lesson.quiz:
        return context
    last = lesson.last_attempt(request.user)
    context["quiz_state"] = lesson.attempt_state(last)
    attempt_number = (last.attempts_count if last else 0) + 1
    context["quiz_questions"] = lesson.quiz_questions(
        seed=lesson.quiz_seed(request.user, attempt_number)
    )
    attempt_id = attempt_id_in(request.GET)
    attempt = None
    if attempt_id is not None:
        attempt = (
            last
            if last and last.pk == attempt_id
            else QuizAttempt.objects.filter(
                user=request.user, lesson=lesson, pk=attempt_id
            ).first()
        )
    if attempt:
        context["attempt"] = attempt
        score, context["attempt_results"] = quiz_grade(lesson, attempt.answers)
        # An editor changed the quiz since: the marks below are today's
        # questions', the score above the attempt's own.
        context["quiz_changed"] = score != attempt.score
    return context
