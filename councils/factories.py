"""Councils, leaders, members and meetings for tests, benchmarks and the demo.

Plain Django, no test library: ``manage.py load_demo`` builds its councils with
these wherever it runs, including a server installed from ``requirements.txt``.

Council pages are created under the state pages the migrations ship and are
published unless ``publish=False``. Creating one provisions its group and
collection, as in the admin; ``provision=False`` skips that (it shares a
placeholder group), for data sets of thousands of councils where only the
public pages are measured.
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from members.factories import make_person as make_person  # re-exported for tests

from .models import (
    CouncilPage,
    CouncilStatus,
    LeadershipRole,
    Meeting,
    MeetingKind,
    Membership,
    MembershipStatus,
    Municipality,
    RoleAssignment,
    State,
    StatePage,
)

PLACEHOLDER_GROUP = "Consejos sin aprovisionar (pruebas)"


def state_page(code="14"):
    return StatePage.objects.select_related("state").get(state__code=code)


def municipality(state_code="14", code="039", name="Guadalajara"):
    state = State.objects.get(code=state_code)
    found, _ = Municipality.objects.get_or_create(
        state=state, code=code, defaults={"name": name}
    )
    return found


def make_council(
    title="Consejo Comunitario Santa Cecilia",
    *,
    state_code="14",
    municipality_code="039",
    municipality_name=None,
    sector="",
    status=CouncilStatus.CONSTITUTED,
    publish=True,
    provision=True,
    **fields,
):
    parent = state_page(state_code)
    place = None
    if municipality_code:
        place = municipality(
            state_code,
            municipality_code,
            municipality_name or f"Municipio {state_code}{municipality_code}",
        )
    council = CouncilPage(
        title=title,
        slug=fields.pop("slug", None) or slugify(title)[:200],
        municipality=place,
        sector=sector,
        status=status,
        live=publish,
        **fields,
    )
    if not provision:
        council.group, _ = Group.objects.get_or_create(name=PLACEHOLDER_GROUP)
    parent.add_child(instance=council)
    if publish:
        council.save_revision().publish()
    return council


def role(slug):
    return LeadershipRole.objects.get(slug=slug)


def assign(user, role_slug, *, council=None, state=None, **fields):
    """Give ``user`` an office; their Wagtail groups follow at once."""
    if isinstance(state, str):
        state = State.objects.get(code=state)
    return RoleAssignment.objects.create(
        user=user, role=role(role_slug), council=council, state=state, **fields
    )


def join(user, council, *, status=MembershipStatus.ACTIVE, **fields):
    """A membership in ``status`` (active by default, since today), without the
    request flow; ``fields`` sets the rest (``joined_on``, ``decided_at``…)."""
    if status == MembershipStatus.ACTIVE:
        fields.setdefault("joined_on", timezone.localdate())
    return Membership.objects.create(
        user=user, council=council, status=status, **fields
    )


def meeting_day(weekday, at, *, weeks):
    """When a council meets, not when a script runs: ``at`` (a ``time``) on
    ``weekday`` (0 is Monday) in the site's time zone, ``weeks`` weeks after
    the coming one (today's if it is that day); negative weeks are past ones."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    day = today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)
    return datetime.combine(day, at, tzinfo=zone)


def make_meeting(council, title="", *, kind=MeetingKind.ORDINARY, lessons=(), **fields):
    """A meeting as a leader records it in *Mi consejo*: at the council's usual
    place and starting now unless ``place`` or ``starts_at`` says otherwise;
    ``lessons`` are those a study circle studies. Attendance and closing go
    through the services (``attendance_record``, ``meeting_close``)."""
    fields.setdefault("place", council.meeting_place)
    fields.setdefault("starts_at", timezone.now())
    meeting = Meeting.objects.create(council=council, kind=kind, title=title, **fields)
    if lessons:
        meeting.lessons.set(lessons)
    return meeting
