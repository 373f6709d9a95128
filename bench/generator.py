"""Builds (and removes) the benchmark data set of ``manage.py bench_data``.

Course, lesson and the measured council's pages go through Wagtail's
``add_child``, with search indexing switched off (on PostgreSQL the database
search backend refreshes title norms over the whole index on every insert) and
without the course booklet builds that publishing a course triggers; the
measured council is provisioned as in the admin. The other council pages are
unprovisioned (a shared placeholder group) and added in bulk where
``add_child`` would put them (``add_children``); all are published by one
update. Everything else is written without model ``save()`` or
signals, except for the three leader accounts, whose roles are recorded through
the ORM so their Wagtail groups follow: the big tables (users, memberships,
meetings and their attendance, enrolments, lesson completions) as tuples
streamed through PostgreSQL's ``COPY`` in bounded batches, with their secondary
indexes and foreign keys set aside until the load is done (``SetAside``); the
few other rows with ``bulk_create``. Memory stays bounded at any size: one
council's history is drawn at a time, and at most ``FLUSH_ROWS`` rows wait.

The history of each member is drawn from a seeded random generator, so the same
``--seed`` and sizes give the same data set: lessons studied online in whole or
partial courses, study circles of their council (closed, with lessons, whose
attendance completes those lessons), ordinary assemblies, offices along the
formation pathway, mentors and their sign-offs. Enrolments are derived from the
lesson completions, so both always agree.
"""

import heapq
import logging
import math
import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page
from wagtail.signals import page_published

from councils.cadres.progress import progress_refresh_all
from councils.models import (
    Attendance,
    CouncilPage,
    CouncilStatus,
    LeadershipRole,
    Meeting,
    MeetingKind,
    MemberProgress,
    Membership,
    MembershipStatus,
    MentorNote,
    Mentorship,
    MentorSignOff,
    Modality,
    Municipality,
    ReadyEvent,
    RoleAssignment,
    State,
    StatePage,
)
from courses.factories import lesson_body
from courses.models import (
    Axis,
    CompletionSource,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonCompletion,
    LessonPage,
)
from courses.models.pages import Level

from .sizes import (
    COUNCIL_COORDINATOR,
    COUNCIL_LEADER,
    MEASURED_COUNCIL_SLUG,
    MEASURED_STATE_CODE,
    NATIONAL_COORDINATION,
    NATIONAL_LEADER,
    PREFIX,
    PROMOTER,
    RICH_MEMBER,
    STATE_COORDINATOR,
    STATE_LEADER,
    TRAINER,
)

PLACEHOLDER_GROUP = "Consejos de prueba sin aprovisionar (bench)"
BOOKLET_RECEIVER = "courses-booklet"  # dispatch_uid in courses.signals
BATCH_SIZE = 5_000
# Rows of lesson completions (or memberships) held in memory before they are
# written: the memory stays bounded at any size.
FLUSH_ROWS = 100_000

# The tables written in bulk (see ``Table`` and ``SetAside``).
BULK_MODELS = (
    Membership,
    Meeting,
    Meeting.lessons.through,
    Attendance,
    Enrollment,
    LessonCompletion,
)

SPECIAL_USERNAMES = {COUNCIL_LEADER, STATE_LEADER, NATIONAL_LEADER, RICH_MEMBER}

COURSE_THEMES = [
    "Asambleas que deciden",
    "Contraloría ciudadana",
    "Educación popular",
    "Economía solidaria",
    "Huertos comunitarios",
    "Mujeres en la organización",
    "Defensa del territorio",
    "Salud comunitaria",
    "Comunicación popular",
    "Historia de los movimientos",
    "Juventudes organizadas",
    "Planeación participativa",
]
LESSON_TOPICS = [
    "Para empezar",
    "Conceptos clave",
    "Nuestra experiencia",
    "Herramientas",
    "Casos de otros consejos",
    "Manos a la obra",
    "Evaluar juntos",
    "Compromisos",
]
FIRST_NAMES = [
    "María",
    "José",
    "Guadalupe",
    "Juan",
    "Rosa",
    "Francisco",
    "Ana",
    "Luis",
    "Carmen",
    "Miguel",
    "Leticia",
    "Jesús",
    "Patricia",
    "Pedro",
    "Verónica",
    "Alejandro",
    "Juana",
    "Manuel",
    "Teresa",
    "Ricardo",
    "Elena",
    "Fernando",
    "Claudia",
    "Roberto",
]
LAST_NAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
]
NEIGHBOURHOODS = [
    "Centro",
    "San Juan",
    "La Esperanza",
    "El Rosario",
    "Santa Cruz",
    "Lomas del Valle",
    "Independencia",
    "Emiliano Zapata",
    "Benito Juárez",
    "Las Flores",
    "El Mirador",
    "San Miguel",
]
CIRCLE_MINUTES = [90, 120, 120, 150, 180]
# Columns of the rows written as tuples (COPY on PostgreSQL), in this order.
USER_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "password",
    "date_joined",
)
MEMBERSHIP_FIELDS = (
    "user_id",
    "council_id",
    "status",
    "requested_at",
    "joined_on",
    "left_on",
    "decided_at",
)
# A meeting's id is reserved when it is written (its attendance points at it).
MEETING_FIELDS = (
    "council_id",
    "kind",
    "title",
    "starts_at",
    "duration_minutes",
    "place",
    "modality",
    "agreements",
    "facilitator_id",
    "created_by_id",
    "created_at",
    "closed_at",
    "closed_by_id",
)
MEETING_CLOSED_AT = MEETING_FIELDS.index("closed_at")
ATTENDANCE_FIELDS = ("meeting_id", "user_id", "recorded_at")
MEETING_LESSON_FIELDS = ("meeting_id", "lessonpage_id")
ENROLLMENT_FIELDS = ("user_id", "course_id", "enrolled_at", "completed_at")
COMPLETION_FIELDS = (
    "user_id",
    "lesson_id",
    "course_id",
    "source",
    "completed_at",
    "recorded_by_id",
)
# Plain strings: psycopg would write an Enum member by its name, not its value.
ACTIVE = MembershipStatus.ACTIVE.value
LEFT = MembershipStatus.LEFT.value
PENDING = MembershipStatus.PENDING.value
CIRCLE = MeetingKind.CIRCLE.value
ORDINARY = MeetingKind.ORDINARY.value
IN_PERSON = Modality.IN_PERSON.value
ONLINE = CompletionSource.ONLINE.value
IN_CIRCLE = CompletionSource.CIRCLE.value


@dataclass
class CourseSpec:
    pk: int
    axis_id: int
    title: str
    lessons: list
    weight: float


@dataclass(eq=False)
class CouncilSpec:
    number: int
    state_id: int
    parent: object
    size: int
    founded_on: object
    measured: bool = False
    pk: int | None = None
    title: str = ""
    slug: str = ""
    hosts_state_coordinator: bool = False
    trainers: int = 0
    members: list = field(default_factory=list)


@dataclass(eq=False)
class MemberSpec:
    index: int
    username: str
    council: CouncilSpec
    joined_on: object
    pk: int | None = None


def allocate(total, weights, minimum=0):
    """Split ``total`` in integer parts proportional to ``weights``, each at least
    ``minimum``, summing exactly to ``total`` (largest remainders)."""
    count = len(weights)
    left = total - minimum * count
    if left < 0:
        raise ValueError(f"cannot give {minimum} to each of {count} out of {total}")
    if not count:
        return []
    whole = sum(weights)
    shares = [left * weight / whole for weight in weights]
    parts = [int(share) for share in shares]
    order = sorted(range(count), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in order[: left - sum(parts)]:
        parts[i] += 1
    return [minimum + part for part in parts]


def at(day, hour=17):
    """An aware datetime on ``day`` (17:00 UTC is the late morning in Mexico)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def add_children(children):
    """Adds the unsaved pages of ``children`` [(parent, page), …] where
    ``add_child`` would, in that order, without its per-page queries, page
    validation and signals (only ``unprovisioned`` council pages, which need
    none of what those do): the tree paths are numbered after each parent's
    last child, the ``Page`` rows written with one ``bulk_create``, each page's
    own row with ``save_base(raw=True)``, as fixtures are loaded. Wagtail's
    reference index is therefore not updated for them (nothing of the site
    reads it for a council page's state, municipality or group)."""
    next_step = {}
    for parent, page in children:
        if parent.pk not in next_step:
            last = parent.get_last_child()
            next_step[parent.pk] = last._get_lastpos_in_path() + 1 if last else 1
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, next_step[parent.pk])
        next_step[parent.pk] += 1
        page.numchild = 0
        page.set_url_path(parent)
        page.draft_title = page.title
        page.locale_id = parent.locale_id
    rows = Page.objects.bulk_create(
        [
            Page(
                **{
                    field.attname: getattr(page, field.attname)
                    for field in Page._meta.concrete_fields
                    if not field.primary_key
                }
            )
            for _, page in children
        ],
        batch_size=BATCH_SIZE,
    )
    for (_, page), row in zip(children, rows, strict=True):
        page.pk = page.page_ptr_id = row.pk
        page.save_base(raw=True, force_insert=True)
    added = Counter(parent.pk for parent, _ in children)
    for parent_pk, count in added.items():
        Page.objects.filter(pk=parent_pk).update(numchild=F("numchild") + count)


def no_search_indexing():
    return {
        name: {**conf, "AUTO_UPDATE": False}
        for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()
    }


@contextmanager
def bulk_page_writes():
    """No search index updates and no course booklet builds while it lasts."""
    from courses import signals

    with override_settings(WAGTAILSEARCH_BACKENDS=no_search_indexing()):
        disconnected = page_published.disconnect(dispatch_uid=BOOKLET_RECEIVER)
        try:
            yield
        finally:
            if disconnected:
                signals.connect()


@contextmanager
def quiet_page_log():
    """Wagtail logs every page created and published at INFO: hundreds of lines."""
    logger = logging.getLogger("wagtail")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def analyze():
    """Fresh planner statistics and no dead rows, as autovacuum keeps them on a
    live server (it may be off on a bench machine), and the load on disk."""
    # VACUUM cannot run inside a transaction (the tests run the generator in
    # one): there, statistics only.
    in_transaction = connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if in_transaction else "VACUUM ANALYZE")
        if not in_transaction:
            # Write the bulk load's dirty pages now, so that the checkpoint
            # does not land on the measurements that follow.
            cursor.execute("CHECKPOINT")


def raw_delete(queryset):
    """Delete the rows in one statement: no signals, no per-row collection."""
    return queryset._raw_delete(queryset.db)


def bench_data_exists():
    return (
        get_user_model().objects.filter(username__startswith=PREFIX).exists()
        or CouncilPage.objects.filter(slug__startswith=PREFIX).exists()
        or CoursePage.objects.filter(slug__startswith=PREFIX).exists()
    )


def delete_bench_data():
    """Remove everything ``bench_data`` made; returns rows deleted per table."""
    User = get_user_model()
    users = User.objects.filter(username__startswith=PREFIX).values("pk")
    councils = CouncilPage.objects.filter(slug__startswith=PREFIX).values("pk")
    courses = CoursePage.objects.filter(slug__startswith=PREFIX).values("pk")
    course_paths = list(
        CoursePage.objects.filter(slug__startswith=PREFIX).values_list(
            "path", flat=True
        )
    )
    lessons = LessonPage.objects.none().values("pk")
    if course_paths:
        under = Q()
        for path in course_paths:
            under |= Q(path__startswith=path)
        lessons = LessonPage.objects.filter(under).values("pk")
    meetings = Meeting.objects.filter(council__in=councils).values("pk")
    deleted = Counter()
    with bulk_page_writes(), quiet_page_log(), transaction.atomic():
        steps = [
            MemberProgress.objects.filter(user__in=users),
            LessonCompletion.objects.filter(Q(user__in=users) | Q(course__in=courses)),
            Enrollment.objects.filter(Q(user__in=users) | Q(course__in=courses)),
            Attendance.objects.filter(Q(meeting__in=meetings) | Q(user__in=users)),
            Meeting.lessons.through.objects.filter(
                Q(meeting__in=meetings) | Q(lessonpage__in=lessons)
            ),
            RoleAssignment.objects.filter(Q(user__in=users) | Q(council__in=councils)),
            Meeting.objects.filter(council__in=councils),
            MentorSignOff.objects.filter(mentee__in=users),
            ReadyEvent.objects.filter(Q(user__in=users) | Q(council__in=councils)),
            MentorNote.objects.filter(
                Q(mentorship__mentee__in=users) | Q(mentorship__council__in=councils)
            ),
            Mentorship.objects.filter(Q(mentee__in=users) | Q(council__in=councils)),
            Membership.objects.filter(Q(user__in=users) | Q(council__in=councils)),
        ]
        for queryset in steps:
            deleted[queryset.model._meta.label] += raw_delete(queryset)
        # What is left points at few rows: the ORM cascades and signals run.
        page_ids = list(councils.values_list("pk", flat=True)) + list(
            courses.values_list("pk", flat=True)
        )
        if page_ids:
            _, by_model = Page.objects.filter(pk__in=page_ids).delete()
            deleted.update(by_model)
        # The ORM finds every table pointing at a user (about 50 of them), so
        # nothing is left dangling; at 50,000 users this is most of the reset.
        _, by_model = User.objects.filter(username__startswith=PREFIX).delete()
        deleted.update(by_model)
        Group.objects.filter(name=PLACEHOLDER_GROUP).delete()
    return {label: total for label, total in deleted.items() if total}


def plain(value):
    return value.value if isinstance(value, Enum) else value


def batches(rows, size):
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def reserve_ids(model, count):
    """``count`` primary keys for rows written with explicit ids: drawn from the
    table's sequence on PostgreSQL (so later inserts do not collide), after the
    largest one elsewhere (the tests' SQLite, one connection)."""
    if not count:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
    top = model.objects.aggregate(top=Max("pk"))["top"] or 0
    return list(range(top + 1, top + 1 + count))


class Table:
    """Writes rows of ``model`` given as tuples in ``fields`` order. On
    PostgreSQL through COPY, streamed (no model instances, no INSERT statements
    to build: ten times faster than ``bulk_create`` for millions of rows);
    elsewhere with ``bulk_create``. The other columns take the model's default,
    the time of the build for ``auto_now`` ones, as ``bulk_create`` would."""

    def __init__(self, model, fields, now):
        self.model = model
        self.fields = tuple(fields)
        self.defaults = {}
        for column in model._meta.concrete_fields:
            if column.primary_key or column.attname in self.fields:
                continue
            automatic = getattr(column, "auto_now", False) or getattr(
                column, "auto_now_add", False
            )
            self.defaults[column.attname] = plain(
                now if automatic else column.get_default()
            )
        names = self.fields + tuple(self.defaults)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
        self.copy_sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"

    def write(self, rows):
        """Writes ``rows`` (any iterable); returns how many."""
        count = 0
        if connection.vendor == "postgresql":
            extra = tuple(self.defaults.values())
            with connection.cursor() as cursor, cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row + extra)
                    count += 1
            return count
        for chunk in batches(rows, BATCH_SIZE):
            self.model.objects.bulk_create(
                self.model(**dict(zip(self.fields, row, strict=True)), **self.defaults)
                for row in chunk
            )
            count += len(chunk)
        return count


class SetAside:
    """The secondary indexes (unique ones included) and the foreign keys of
    ``models``' tables, dropped for the bulk load and made again after it, inside
    its transaction, on PostgreSQL. Building an index once over the rows is
    several times faster than updating it row by row (1,000,000 lesson
    completions: 4.5 s against 9.7 s, more as the tables outgrow the cache);
    Django's keys are deferred, so every row written would queue a check per key
    run one by one at the commit, where adding the key back checks every row in
    one query. Unique indexes and keys still check every row when they come
    back. PostgreSQL alters no table with checks pending (on it or on the table
    its keys point at): those of the rows written so far run first."""

    def __init__(self, models):
        self.tables = [model._meta.db_table for model in models]
        self.statements = []  # what makes them again, in order

    def drop(self):
        if connection.vendor != "postgresql":
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            self.check_pending(cursor)
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
                [self.tables],
            )
            keys = cursor.fetchall()
            # Indexes other than the primary keys, with the unique constraint
            # each one backs, if any.
            cursor.execute(
                "SELECT i.indrelid::regclass::text, c.conname, "
                "pg_get_constraintdef(c.oid), x.relname, "
                "pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid "
                "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
                "AND c.conrelid = i.indrelid AND c.contype IN ('u', 'x') "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
                "ORDER BY 1, 4",
                [self.tables],
            )
            indexes = cursor.fetchall()
            for table, name, _ in keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            for table, constraint, definition, index, index_definition in indexes:
                if constraint:
                    cursor.execute(
                        f"ALTER TABLE {table} DROP CONSTRAINT {quote(constraint)}"
                    )
                    self.statements.append(
                        f"ALTER TABLE {table} ADD CONSTRAINT {quote(constraint)} "
                        f"{definition}"
                    )
                else:
                    cursor.execute(f"DROP INDEX {quote(index)}")
                    self.statements.append(index_definition)
            self.statements += [
                f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
                for table, name, definition in keys
            ]

    def restore(self):
        if not self.statements:
            return
        with connection.cursor() as cursor:
            self.check_pending(cursor)
            # Room to sort a large index in memory (this transaction only).
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in self.statements:
                cursor.execute(statement)
        self.statements = []

    @staticmethod
    def check_pending(cursor):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Buffers:
    """Rows waiting to be written, in dependency order: tuples for the big
    tables (see ``Table``), unsaved instances for the few rows of the others."""

    TUPLES = {
        Membership: MEMBERSHIP_FIELDS,
        Enrollment: ENROLLMENT_FIELDS,
        LessonCompletion: COMPLETION_FIELDS,
    }

    def __init__(self, created, now):
        self.created = created
        self.meetings = []  # (meeting row, attendee ids, lesson ids)
        self.mentorships = []  # (mentorship, [note, …])
        self.rows = defaultdict(list)  # model → unsaved instances or tuples
        self.tables = {
            model: Table(model, fields, now) for model, fields in self.TUPLES.items()
        }
        self.tables[Meeting] = Table(Meeting, ("id", *MEETING_FIELDS), now)
        self.tables[Attendance] = Table(Attendance, ATTENDANCE_FIELDS, now)
        self.tables[Meeting.lessons.through] = Table(
            Meeting.lessons.through, MEETING_LESSON_FIELDS, now
        )

    def add(self, instance):
        self.rows[type(instance)].append(instance)

    def add_row(self, model, row):
        self.rows[model].append(row)

    @property
    def pending(self):
        return len(self.rows[LessonCompletion]) + len(self.rows[Membership])

    def write(self, model, objects):
        if model in self.tables:
            count = self.tables[model].write(objects)
        else:
            count = len(objects)
            for start in range(0, count, BATCH_SIZE):
                model.objects.bulk_create(objects[start : start + BATCH_SIZE])
        self.created[model._meta.label] += count

    def flush(self):
        if self.meetings:
            ids = reserve_ids(Meeting, len(self.meetings))
            meetings = list(zip(ids, self.meetings, strict=True))
            self.write(Meeting, ((pk, *row) for pk, (row, _, _) in meetings))
            self.write(
                Attendance,
                (
                    (pk, user_id, row[MEETING_CLOSED_AT])
                    for pk, (row, attendees, _) in meetings
                    for user_id in attendees
                ),
            )
            self.write(
                Meeting.lessons.through,
                (
                    (pk, lesson_id)
                    for pk, (_, _, lessons) in meetings
                    for lesson_id in lessons
                ),
            )
            self.meetings = []
        if self.mentorships:
            self.write(Mentorship, [mentorship for mentorship, _ in self.mentorships])
            notes = []
            for mentorship, texts in self.mentorships:
                for met_on, text in texts:
                    notes.append(
                        MentorNote(
                            mentorship_id=mentorship.pk,
                            met_on=met_on,
                            text=text,
                            created_at=at(met_on, 23),
                        )
                    )
            self.write(MentorNote, notes)
            self.mentorships = []
        for model in (
            Membership,
            RoleAssignment,
            MentorSignOff,
            Enrollment,
            LessonCompletion,
        ):
            if self.rows[model]:
                self.write(model, self.rows[model])
                self.rows[model] = []


class BenchDataGenerator:
    """Builds the data set for ``sizes`` from ``seed``; ``run()`` does it all."""

    def __init__(self, sizes, seed=1, log=print):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.log = log
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.timings = []  # (phase, seconds)
        self.created = Counter()
        self.courses = []
        self.councils = []
        self.members = []
        self.by_username = {}
        self.roles = {role.slug: role.pk for role in LeadershipRole.objects.all()}
        self.unusable_password = None

    # Phases

    def run(self):
        started = time.perf_counter()
        with bulk_page_writes(), quiet_page_log(), transaction.atomic():
            self.phase("courses and lessons (Wagtail pages)", self.build_courses)
            self.phase("councils (Wagtail pages)", self.build_councils)
            set_aside = SetAside(BULK_MODELS)
            self.phase("indexes and foreign keys set aside", set_aside.drop)
            self.phase("members (users)", self.build_members)
            self.phase("memberships", self.build_memberships)
            self.phase(
                "activity (circles, assemblies, completions, roles)",
                self.build_activity,
            )
            self.phase("leaders (roles through the ORM)", self.build_leaders)
            self.phase("indexes and foreign keys made again", set_aside.restore)
            committing = time.perf_counter()
        self.timings.append(("commit", time.perf_counter() - committing))
        self.phase("VACUUM ANALYZE", analyze)
        # What the nightly task does on a live site; the rows were written in
        # bulk, so every member's summary is built here. Those found ready are
        # recorded, not told: nobody of a generated data set is to be texted.
        self.phase(
            "member progress summaries (nightly refresh)",
            lambda: progress_refresh_all(tell=False),
        )
        self.phase("VACUUM ANALYZE", analyze)
        self.total_seconds = time.perf_counter() - started
        return self

    def phase(self, name, function):
        self.log(f"- {name}…")
        started = time.perf_counter()
        function()
        elapsed = time.perf_counter() - started
        self.timings.append((name, elapsed))
        self.log(f"  {elapsed:.1f} s")

    def build_courses(self):
        rng = self.rng
        index = CourseIndexPage.objects.get()
        axes = list(Axis.objects.ordered())
        levels = [Level.BASIC, Level.BASIC, Level.BASIC, Level.INTERMEDIATE]
        for number in range(self.sizes.courses):
            axis = axes[number % len(axes)]
            rank = number // len(axes)
            theme = COURSE_THEMES[number % len(COURSE_THEMES)]
            course = CoursePage(
                title=f"{theme} {number + 1:02d}",
                slug=f"{PREFIX}curso-{number + 1:02d}",
                primary_axis=axis,
                level=levels[rank] if rank < len(levels) else Level.ADVANCED,
                summary=f"Curso de prueba del eje {axis.number}: {theme.lower()}.",
                estimated_hours=Decimal(rng.choice(["2", "3", "4", "4", "6"])),
            )
            index.add_child(instance=course)
            course.save_revision().publish()
            lessons = []
            for position in range(self.sizes.lessons):
                topic = LESSON_TOPICS[position % len(LESSON_TOPICS)]
                lesson = LessonPage(
                    title=f"Lección {position + 1}: {topic}",
                    slug=f"leccion-{position + 1}",
                    estimated_minutes=rng.choice([20, 30, 30, 45]),
                    body=lesson_body(f"{theme}: {topic.lower()}.", heading=topic),
                    pass_mark=70,
                )
                course.add_child(instance=lesson)
                lesson.save_revision().publish()
                lessons.append(lesson.pk)
            # Introductory courses, and the first axis, are taken more often.
            weight = (1.5 if axis.number == 1 else 1.0) / (1 + rank)
            self.courses.append(
                CourseSpec(
                    course.pk,
                    axis.pk,
                    course.title,
                    lessons,
                    weight * rng.uniform(0.7, 1.3),
                )
            )
        self.created["courses.CoursePage"] += self.sizes.courses
        self.created["courses.LessonPage"] += self.sizes.courses * self.sizes.lessons

    def build_councils(self):
        rng, sizes = self.rng, self.sizes
        parents = {
            page.state_id: page for page in StatePage.objects.select_related("state")
        }
        states = [
            state
            for state in State.objects.order_by("code")
            if state.pk in parents and state.code != MEASURED_STATE_CODE
        ]
        measured_state = State.objects.get(code=MEASURED_STATE_CODE)
        others = sizes.councils - sizes.state_councils
        per_state = allocate(
            others,
            [rng.lognormvariate(0, 0.8) for _ in states],
            minimum=1 if others >= len(states) else 0,
        )
        state_sizes = [sizes.council_members] + allocate(
            sizes.state_members - sizes.council_members,
            [rng.lognormvariate(0, 0.6) for _ in range(sizes.state_councils - 1)],
            minimum=1,
        )
        other_sizes = allocate(
            sizes.members - sizes.state_members,
            [rng.lognormvariate(0, 0.6) for _ in range(others)],
            minimum=1,
        )
        places = defaultdict(list)
        for state_id, pk in Municipality.objects.values_list("state_id", "pk"):
            places[state_id].append(pk)

        # (state, members) per council; the measured council comes first.
        specs = [(measured_state.pk, size) for size in state_sizes]
        remaining = iter(other_sizes)
        for state, count in zip(states, per_state, strict=True):
            specs.extend((state.pk, next(remaining)) for _ in range(count))
        three_years = 3 * 365
        for number, (state_id, size) in enumerate(specs):
            measured = number == 0
            age = three_years - 5 if measured else int(60 + 1035 * rng.random() ** 0.5)
            council = CouncilSpec(
                number=number,
                state_id=state_id,
                parent=parents[state_id],
                size=size,
                founded_on=self.today - timedelta(days=age),
                measured=measured,
            )
            if measured:
                council.title = "Consejo Comunitario de Prueba (medido)"
                council.slug = MEASURED_COUNCIL_SLUG
            else:
                place = NEIGHBOURHOODS[number % len(NEIGHBOURHOODS)]
                council.title = f"Consejo Comunitario {place} {number:04d}"
                council.slug = f"{PREFIX}consejo-{number:04d}"
            self.councils.append(council)
        # The largest other council of each state hosts its state coordinator.
        biggest = {}
        for council in self.councils:
            if council.state_id == measured_state.pk:
                continue
            current = biggest.get(council.state_id)
            if current is None or council.size > current.size:
                biggest[council.state_id] = council
        for council in biggest.values():
            council.hosts_state_coordinator = True
        # About one trainer (formador/a) per thousand members, in big councils.
        ordinary = [council for council in self.councils if not council.measured]
        for council in rng.choices(
            ordinary,
            weights=[council.size for council in ordinary],
            k=max(1, round(sizes.members / 1000)),
        ):
            council.trainers += 1

        placeholder, _ = Group.objects.get_or_create(name=PLACEHOLDER_GROUP)
        unprovisioned = []  # (council, page)
        for council in self.councils:
            municipalities = places.get(council.state_id)
            page = CouncilPage(
                title=council.title,
                slug=council.slug,
                state_id=council.state_id,
                municipality_id=rng.choice(municipalities) if municipalities else None,
                sector=""
                if municipalities
                else f"Colonia {NEIGHBOURHOODS[council.number % len(NEIGHBOURHOODS)]}",
                status=CouncilStatus.CONSTITUTED
                if rng.random() < 0.9 or council.measured
                else CouncilStatus.FORMING,
                founded_on=council.founded_on,
                meeting_place="Casa comunal",
                meeting_schedule="Sábados a las 10:00",
                live=False,
                # The measured council is provisioned (its group, collection and
                # page rights), as the admin does; the others share a placeholder.
                group=None if council.measured else placeholder,
            )
            if council.measured:
                council.parent.add_child(instance=page)
                council.pk = page.pk
            else:
                unprovisioned.append((council, page))
        add_children([(council.parent, page) for council, page in unprovisioned])
        for council, page in unprovisioned:
            council.pk = page.pk
        Page.objects.filter(pk__in=[council.pk for council in self.councils]).update(
            live=True,
            has_unpublished_changes=False,
            first_published_at=self.now,
            last_published_at=self.now,
        )
        self.created["councils.CouncilPage"] += len(self.councils)

    def build_members(self):
        rng = self.rng
        state_councils = self.sizes.state_councils
        specials = {
            (0, 0): COUNCIL_LEADER,
            (0, 1): RICH_MEMBER,
            (1, 0): STATE_LEADER,
            (state_councils, 0): NATIONAL_LEADER,
        }
        index = 0
        for council in self.councils:
            span = max((self.today - council.founded_on).days, 1)
            for slot in range(council.size):
                username = specials.get((council.number, slot))
                if username:
                    joined_on = council.founded_on + timedelta(days=slot)
                else:
                    username = f"{PREFIX}{index:06d}"
                    joined_on = council.founded_on + timedelta(days=rng.randrange(span))
                member = MemberSpec(index, username, council, joined_on)
                council.members.append(member)
                self.members.append(member)
                self.by_username[username] = member
                index += 1
        User = get_user_model()
        password = make_password(None)
        ids = reserve_ids(User, len(self.members))

        def rows():
            for member, pk in zip(self.members, ids, strict=True):
                member.pk = pk
                yield (
                    pk,
                    member.username,
                    rng.choice(FIRST_NAMES),
                    f"{rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}",
                    f"{member.username}@ejemplo.invalid" if rng.random() < 0.4 else "",
                    # One unusable password for all: nobody signs in with it.
                    password,
                    at(member.joined_on) - timedelta(days=rng.randint(0, 20)),
                )

        written = Table(User, USER_FIELDS, self.now).write(rows())
        self.created[User._meta.label] += written

    def build_memberships(self):
        """One active membership each; some earlier ones left and some requests
        to another council of their state still pending."""
        rng = self.rng
        buffers = Buffers(self.created, self.now)
        by_state = defaultdict(list)
        for council in self.councils:
            by_state[council.state_id].append(council)
        for member in self.members:
            council = member.council
            joined = at(member.joined_on)
            if buffers.pending >= FLUSH_ROWS:
                buffers.flush()
            buffers.add_row(
                Membership,
                (
                    member.pk,
                    council.pk,
                    ACTIVE,
                    joined - timedelta(days=rng.randint(1, 10)),
                    member.joined_on,
                    None,
                    joined,
                ),
            )
            neighbours = by_state[council.state_id]
            if len(neighbours) < 2 or member.username in SPECIAL_USERNAMES:
                continue
            draw = rng.random()
            if draw < 0.06:
                other = rng.choice([c for c in neighbours if c is not council])
                left_on = member.joined_on - timedelta(days=rng.randint(1, 60))
                earlier = left_on - timedelta(days=rng.randint(60, 700))
                buffers.add_row(
                    Membership,
                    (
                        member.pk,
                        other.pk,
                        LEFT,
                        at(earlier) - timedelta(days=3),
                        earlier,
                        left_on,
                        at(earlier),
                    ),
                )
            elif draw < 0.07:
                other = rng.choice([c for c in neighbours if c is not council])
                buffers.add_row(
                    Membership,
                    (
                        member.pk,
                        other.pk,
                        PENDING,
                        self.now - timedelta(minutes=rng.randint(60, 30 * 1440)),
                        None,
                        None,
                        None,
                    ),
                )
        buffers.flush()

    def build_activity(self):
        buffers = Buffers(self.created, self.now)
        done = 0
        step = max(1, len(self.councils) // 10)
        for council in self.councils:
            self.council_activity(council, buffers)
            if buffers.pending >= FLUSH_ROWS:
                buffers.flush()
            done += 1
            if done % step == 0:
                self.log(
                    f"  {done}/{len(self.councils)} councils, "
                    f"{self.created['courses.LessonCompletion']:,} completions written"
                )
        buffers.flush()

    def build_leaders(self):
        """The leaders' and the rich member's offices, through the ORM so that
        their Wagtail groups are provisioned and joined as in the admin."""
        leader = self.by_username[COUNCIL_LEADER]
        rich = self.by_username[RICH_MEMBER]
        state_leader = self.by_username[STATE_LEADER]
        national = self.by_username[NATIONAL_LEADER]
        measured_state = State.objects.get(code=MEASURED_STATE_CODE)
        plans = [
            (leader, [PROMOTER, COUNCIL_COORDINATOR], True, None),
            (rich, [PROMOTER], True, None),
            (
                state_leader,
                [PROMOTER, COUNCIL_COORDINATOR, STATE_COORDINATOR],
                True,
                measured_state.pk,
            ),
            (national, [COUNCIL_COORDINATOR, NATIONAL_COORDINATION], True, None),
        ]
        for member, slugs, active, state_id in plans:
            for row in self.career(
                member, slugs, active_last=active, state_id=state_id
            ):
                row.save()  # signals: user_groups_sync provisions and joins groups
                self.created["councils.RoleAssignment"] += 1
        signed_on = self.today - timedelta(days=20)
        MentorSignOff.objects.create(
            mentee_id=rich.pk,
            role_id=self.roles[COUNCIL_COORDINATOR],
            signed_by_id=leader.pk,
            signed_at=at(signed_on),
        )
        mentorship = Mentorship.objects.create(
            council_id=leader.council.pk,
            mentor_id=leader.pk,
            mentee_id=rich.pk,
            started_on=self.today - timedelta(days=300),
            created_by_id=leader.pk,
        )
        MentorNote.objects.create(
            mentorship=mentorship,
            met_on=signed_on,
            text="Revisamos juntos su avance; lista para coordinar.",
        )
        self.created["councils.MentorSignOff"] += 1
        self.created["councils.Mentorship"] += 1
        self.created["councils.MentorNote"] += 1

    # One council

    def career(self, member, slugs, *, active_last=True, state_id=None):
        """Unsaved RoleAssignment rows: ``slugs`` held one after the other since
        some time after joining, the last one still held if ``active_last``."""
        rng = self.rng
        span = max((self.today - member.joined_on).days - 1, 0)
        cuts = sorted(rng.uniform(0.15, 0.95) for _ in slugs)
        starts = [member.joined_on + timedelta(days=int(span * cut)) for cut in cuts]
        rows = []
        for position, slug in enumerate(slugs):
            started_on = starts[position]
            if position + 1 < len(starts):
                ended_on = max(starts[position + 1] - timedelta(days=1), started_on)
            elif active_last:
                ended_on = None
            else:
                ended_on = min(
                    started_on + timedelta(days=rng.randint(30, 365)),
                    self.today - timedelta(days=1),
                )
                ended_on = max(ended_on, started_on)
            level_council = slug in (PROMOTER, COUNCIL_COORDINATOR)
            rows.append(
                RoleAssignment(
                    user_id=member.pk,
                    role_id=self.roles[slug],
                    council_id=member.council.pk if level_council else None,
                    state_id=state_id if slug == STATE_COORDINATOR else None,
                    started_on=started_on,
                    ended_on=ended_on,
                    note="bench",
                    created_at=at(started_on),
                )
            )
        return rows

    def council_activity(self, council, buffers):
        rng = self.rng
        members = council.members
        plain = [m for m in members if m.username not in SPECIAL_USERNAMES]
        # Offices go to long-standing members first, with some chance.
        ordered = sorted(
            plain, key=lambda m: m.joined_on.toordinal() + rng.randint(0, 240)
        )
        queue = iter(ordered)
        coordinator = None
        facilitators = []
        if not council.measured:
            coordinator = next(queue, None)
            if coordinator:
                for row in self.career(coordinator, [PROMOTER, COUNCIL_COORDINATOR]):
                    buffers.add(row)
                facilitators.append(coordinator)
        else:
            facilitators += [
                self.by_username[COUNCIL_LEADER],
                self.by_username[RICH_MEMBER],
            ]
        if council.hosts_state_coordinator:
            person = next(queue, None)
            if person:
                for row in self.career(
                    person,
                    [PROMOTER, COUNCIL_COORDINATOR, STATE_COORDINATOR],
                    state_id=council.state_id,
                ):
                    buffers.add(row)
                facilitators.append(person)
        for _ in range(council.trainers):
            person = next(queue, None)
            if person:
                for row in self.career(
                    person, [PROMOTER, COUNCIL_COORDINATOR, TRAINER]
                ):
                    buffers.add(row)
                facilitators.append(person)
        if len(plain) >= 20 and rng.random() < 0.25:
            person = next(queue, None)
            if person:
                for row in self.career(
                    person, [PROMOTER, COUNCIL_COORDINATOR], active_last=False
                ):
                    buffers.add(row)
        promoters = []
        if len(members) >= 5:
            for _ in range(max(1, round(len(members) * 0.04))):
                person = next(queue, None)
                if person is None:
                    break
                for row in self.career(person, [PROMOTER]):
                    buffers.add(row)
                promoters.append(person)
        facilitators += promoters
        signer = coordinator or (
            self.by_username[COUNCIL_LEADER] if council.measured else None
        )
        for person in promoters:
            if rng.random() < 0.35:
                buffers.add(
                    MentorSignOff(
                        mentee_id=person.pk,
                        role_id=self.roles[COUNCIL_COORDINATOR],
                        signed_by_id=signer.pk if signer else None,
                        signed_at=self.now - timedelta(days=rng.randint(1, 200)),
                    )
                )
        if coordinator and rng.random() < 0.25:
            buffers.add(
                MentorSignOff(
                    mentee_id=coordinator.pk,
                    role_id=self.roles[TRAINER],
                    signed_at=self.now - timedelta(days=rng.randint(1, 200)),
                )
            )
        self.mentorships(council, facilitators, plain, buffers)

        history = defaultdict(lambda: defaultdict(dict))  # member → course → lesson
        for member in members:
            self.online_history(member, history[member.index])
        self.circles(council, facilitators, history, buffers)
        self.assemblies(council, facilitators, buffers)
        for member in members:
            self.learning_rows(member, history.get(member.index, {}), buffers)

    def mentorships(self, council, mentors, plain, buffers):
        rng = self.rng
        mentors = [m for m in mentors if m.council is council]
        if not mentors:
            return
        candidates = [m for m in plain if m not in mentors]
        count = min(len(plain) // 10, 4, len(candidates))
        for mentee in rng.sample(candidates, count):
            mentor = rng.choice(mentors)
            since = max(mentor.joined_on, mentee.joined_on)
            span = max((self.today - since).days, 1)
            started_on = since + timedelta(days=rng.randrange(span))
            notes = []
            for _ in range(rng.randint(0, 3)):
                met_on = started_on + timedelta(
                    days=rng.randrange(max((self.today - started_on).days, 1))
                )
                notes.append((met_on, "Platicamos sobre su avance y sus dudas."))
            buffers.mentorships.append(
                (
                    Mentorship(
                        council_id=council.pk,
                        mentor_id=mentor.pk,
                        mentee_id=mentee.pk,
                        started_on=started_on,
                        created_by_id=mentor.pk,
                    ),
                    notes,
                )
            )

    def draw_courses(self, count, exclude=()):
        """``count`` distinct course positions, the popular ones more often
        (weighted sampling without replacement)."""
        rng = self.rng
        keys = [
            (rng.random() ** (1.0 / course.weight), position)
            for position, course in enumerate(self.courses)
            if position not in exclude
        ]
        return [position for _, position in heapq.nlargest(count, keys)]

    def online_history(self, member, history):
        """Lessons studied online: some whole courses, then partial ones."""
        rng, lessons = self.rng, self.sizes.lessons
        if member.username == RICH_MEMBER:
            whole, partial = 14, 3
        elif member.username in SPECIAL_USERNAMES:
            whole, partial = 8, 2
        else:
            draw = rng.random()
            if draw < 0.25:
                whole, partial = 0, int(rng.random() < 0.35)
            elif draw < 0.87:
                whole = 1 + int(rng.expovariate(1.0))
                partial = rng.choice((0, 1, 1, 2))
            else:
                whole = 3 + int(rng.expovariate(1 / 4))
                partial = rng.choice((0, 1, 1, 2))
        whole = min(whole, len(self.courses))
        partial = min(partial, len(self.courses) - whole)
        if not whole + partial:
            return
        if member.username == RICH_MEMBER:
            # A course in every axis, then the popular ones.
            first = {}
            for position, course in enumerate(self.courses):
                first.setdefault(course.axis_id, position)
            chosen = list(first.values())
            chosen += self.draw_courses(whole + partial - len(chosen), set(chosen))
        else:
            chosen = self.draw_courses(whole + partial)
        plan = [(position, lessons) for position in chosen[:whole]] + [
            (position, rng.randint(1, lessons - 1)) for position in chosen[whole:]
        ]
        total = sum(count for _, count in plan)
        start = at(member.joined_on) + timedelta(hours=rng.randint(1, 72))
        span = max((self.now - start).total_seconds() - 86400, 3600)
        gap = min(2.5 * 86400, span / (total + 1))
        moment = start + timedelta(seconds=rng.uniform(0, span - gap * (total + 1)))
        for position, count in plan:
            lessons_done = history[position]
            for lesson in range(count):
                moment += timedelta(seconds=gap * rng.uniform(0.3, 1.7))
                if moment > self.now:
                    # No random draw here: the sequence must not depend on the
                    # time of day the data set is built.
                    moment = self.now - timedelta(minutes=count - lesson)
                lessons_done.setdefault(lesson, (moment, ONLINE, None))

    def circles(self, council, facilitators, history, buffers):
        """Series of study circles, one course each, two lessons a session."""
        rng, lessons = self.rng, self.sizes.lessons
        members = council.members
        rich = self.by_username.get(RICH_MEMBER)
        sessions = math.ceil(lessons / 2)
        for _ in range(1 + len(members) // 35):
            position = self.draw_courses(1)[0]
            course = self.courses[position]
            first = council.founded_on + timedelta(days=20)
            last = self.today - timedelta(days=7 * sessions + 1)
            window = (last - first).days
            start = (
                first + timedelta(days=rng.randrange(window)) if window > 0 else first
            )
            eligible = [m for m in members if m.joined_on <= start]
            if not eligible:
                continue
            group = rng.sample(eligible, min(len(eligible), rng.randint(6, 25)))
            if rich and rich.council is council and rich not in group:
                group.append(rich)
            hosts = [m for m in facilitators if m in eligible] or group
            for session in range(sessions):
                day = start + timedelta(days=7 * session)
                if day >= self.today:
                    break
                facilitator = rng.choice(hosts)
                present = [m for m in group if m is rich or rng.random() < 0.8]
                if facilitator not in present:
                    present.append(facilitator)
                starts_at = at(day, 23)  # 17:00 in Mexico
                minutes = rng.choice(CIRCLE_MINUTES)
                closed_at = starts_at + timedelta(minutes=minutes + 60)
                studied = list(range(2 * session, min(2 * session + 2, lessons)))
                buffers.meetings.append(
                    (
                        (  # MEETING_FIELDS
                            council.pk,
                            CIRCLE,
                            f"Círculo de estudio: {course.title} "
                            f"(sesión {session + 1})",
                            starts_at,
                            minutes,
                            "Casa comunal",
                            IN_PERSON,
                            "",
                            facilitator.pk,
                            facilitator.pk,
                            starts_at - timedelta(days=3),
                            closed_at,
                            facilitator.pk,
                        ),
                        [m.pk for m in present],
                        [course.lessons[lesson] for lesson in studied],
                    )
                )
                for member in present:
                    done = history[member.index][position]
                    for lesson in studied:
                        earlier = done.get(lesson)
                        if earlier is None or earlier[0] > closed_at:
                            done[lesson] = (
                                closed_at,
                                IN_CIRCLE,
                                facilitator.pk,
                            )

    def assemblies(self, council, facilitators, buffers):
        """Ordinary assemblies about every four months since the founding."""
        rng = self.rng
        chair_id = facilitators[0].pk if facilitators else None
        day = council.founded_on + timedelta(days=rng.randint(15, 60))
        while day < self.today - timedelta(days=7):
            present = [
                m.pk
                for m in council.members
                if m.joined_on <= day and rng.random() < 0.35
            ]
            starts_at = at(day, 17)
            buffers.meetings.append(
                (
                    (  # MEETING_FIELDS
                        council.pk,
                        ORDINARY,
                        "Asamblea ordinaria",
                        starts_at,
                        150,
                        "Plaza principal",
                        IN_PERSON,
                        "Se acordó el plan de trabajo del periodo.",
                        chair_id,
                        chair_id,
                        starts_at - timedelta(days=7),
                        starts_at + timedelta(hours=4),
                        chair_id,
                    ),
                    present,
                    [],
                )
            )
            day += timedelta(days=rng.randint(100, 140))

    def learning_rows(self, member, history, buffers):
        """Enrolments derived from the completions: completed when every lesson
        of the course is; a few enrolments in courses never started."""
        rng, lessons = self.rng, self.sizes.lessons
        for position, done in history.items():
            if not done:
                continue
            course = self.courses[position]
            moments = [moment for moment, _, _ in done.values()]
            buffers.add_row(
                Enrollment,
                (
                    member.pk,
                    course.pk,
                    min(moments) - timedelta(minutes=rng.randint(5, 3 * 1440)),
                    max(moments) if len(done) == lessons else None,
                ),
            )
            completions = buffers.rows[LessonCompletion]
            for lesson, (moment, source, recorded_by) in done.items():
                completions.append(
                    (
                        member.pk,
                        course.lessons[lesson],
                        course.pk,
                        source,
                        moment,
                        recorded_by,
                    )
                )
        if rng.random() < 0.25:
            untouched = [p for p in range(len(self.courses)) if not history.get(p)]
            if untouched:
                course = self.courses[rng.choice(untouched)]
                span = max((self.today - member.joined_on).days, 1)
                buffers.add_row(
                    Enrollment,
                    (
                        member.pk,
                        course.pk,
                        at(member.joined_on) + timedelta(days=rng.randrange(span)),
                        None,
                    ),
                )
