"""What the apps tell people, each kind once, on each person's channel: a
text through the SMS provider (the local receiver) for a member with a
verified phone, an e-mail for a member with an address; nothing without
consent to notices. Each task or planner runs twice: one message each."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from councils.cadres.services import digests_send, ready_members_detect
from councils.factories import assign, join, make_council, make_person
from councils.models import ConstitutionRequest, RequestStatus, State
from councils.tasks import notify_constitution_decision
from courses.models import AxisFollow, CoursePage
from courses.services import axis_follow_set
from notifications.models import Notice, Status
from notifications.sms import segments
from tests.councils.test_mentors_and_endorsement import make_ready_for_promoter
from tests.courses.learning_fixtures import make_course

from .conftest import consent, phone_person, stop_line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_up")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def council(db):
    return make_council(
        "Consejo Santa Cecilia", municipality_name="Guadalajara", publish=False
    )


@pytest.fixture
def leader(council):
    person = make_person("ana", first_name="Ana", email="ana@example.org")
    assign(person, "coordinador-de-consejo", council=council)
    consent(person)
    return person


def twice(capture, run):
    for _time in range(2):
        with capture(execute=True):
            run()


# "You are ready for <role>"


def test_a_member_ready_for_a_role_and_her_leaders_are_told_once(
    council, leader, sms, clock, django_capture_on_commit_callbacks
):
    rosa = phone_person("rosa")
    join(rosa, council)
    make_ready_for_promoter(rosa, council)
    elsewhere = make_person("otra", email="otra@example.org")
    assign(elsewhere, "coordinador-de-consejo", council=make_council("Consejo Oblatos"))
    consent(elsewhere)

    twice(django_capture_on_commit_callbacks, ready_members_detect)

    (text,) = sms.accepted
    assert text.startswith("Ya cumples lo necesario para el rol de Promotor/a")
    assert "Consejo Santa Cecilia" in text and "http://testserver/mi-formacion/" in text
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "Lupe ya cumple lo necesario para el rol de Promotor/a" in message.body
    assert "http://testserver/admin/formacion-de-cuadros/" in message.body
    notices = Notice.objects.filter(kind="ready_for_role")
    assert {notice.scope for notice in notices} == {f"council:{council.pk}"}
    role_id = notices.get(user=rosa).key.split(":")[2]
    assert notices.get(user=leader).key == f"ready:{rosa.pk}:{role_id}:leader"


def test_a_leader_who_stopped_leading_before_it_went_is_not_told(
    settings, council, leader, sms, clock, django_capture_on_commit_callbacks
):
    """Held by the daily cap until the next morning, the notice that names a
    member ready for a role finds that its leader no longer leads the
    council: cancelled, the member's name never sent to her. The member's own
    notice still goes."""
    from councils.models import RoleAssignment
    from notifications.services import send_due

    rosa = phone_person("rosa")
    join(rosa, council)
    make_ready_for_promoter(rosa, council)
    settings.NOTIFY_DAILY_CAP = 0
    with django_capture_on_commit_callbacks(execute=True):
        ready_members_detect()
    RoleAssignment.objects.filter(user=leader).delete()

    settings.NOTIFY_DAILY_CAP = 5
    clock.moment += timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        send_due()

    assert mail.outbox == []
    told_leader = Notice.objects.get(user=leader, kind="ready_for_role")
    assert told_leader.status == Status.CANCELLED
    assert told_leader.last_error == "ya no coordina el consejo"
    assert len(sms.accepted) == 1  # Rosa's own


def test_without_consent_the_ready_member_is_not_texted(
    council, sms, clock, django_capture_on_commit_callbacks
):
    rosa = phone_person("rosa")
    consent(rosa, granted=False)
    join(rosa, council)
    make_ready_for_promoter(rosa, council)

    twice(django_capture_on_commit_callbacks, ready_members_detect)

    assert sms.requests == []
    assert Notice.objects.get(user=rosa).status == Status.SKIPPED


def test_finding_many_ready_members_costs_the_same_queries_as_finding_one(
    council, leader
):
    """The nightly refresh records who became ready in bulk and hands the
    notices to a worker: no query per member on the way."""

    def ready(names):
        for name in names:
            person = make_person(name, first_name=name.title())
            join(person, council)
            make_ready_for_promoter(person, council)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ready(["uno"])
    with CaptureQueriesContext(connection) as one:
        assert ready_members_detect() == 1
    ready(["dos", "tres", "cuatro", "cinco", "seis"])
    with CaptureQueriesContext(connection) as five:
        assert ready_members_detect() == 5

    assert len(five.captured_queries) == len(one.captured_queries)


# The weekly digest, short for phones


def test_a_leader_with_a_phone_gets_the_digest_in_one_text_once(
    council, sms, clock, django_capture_on_commit_callbacks
):
    lider = phone_person("lider")
    assign(lider, "coordinador-de-consejo", council=council)
    newcomer = make_person("nueva", first_name="Nueva")
    join(newcomer, council, decided_at=timezone.now())

    twice(django_capture_on_commit_callbacks, digests_send)

    (text,) = sms.accepted
    assert text == (
        "Semana en Consejo Santa Cecilia: 1 nueva integrante, 0 cursos terminados, "
        f"0 listas para un rol. http://testserver/admin/mi-consejo/{council.pk}/ "
        f"{stop_line(lider)}"
    )
    notice = Notice.objects.get(user=lider, kind="weekly_digest")
    # The link to "Mi consejo" is the digest's point: kept, with the stop
    # line, in two segments.
    assert notice.segments == segments(text) == 2
    assert notice.scope == f"council:{council.pk}"
    assert mail.outbox == []


# Constitution requests


@pytest.fixture
def decided_request(db):
    def make(requester, status=RequestStatus.REJECTED):
        request = ConstitutionRequest(
            requester=requester,
            proposed_name="Consejo Las Huertas",
            state=State.objects.get(code="14"),
            assembly_on=timezone.localdate() - timedelta(days=10),
            assembly_place="Cancha de la colonia",
            status=status,
            decision_reason="Falta el acta firmada.",
        )
        request.acta.save("acta.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        request.save()
        return request

    return make


def test_a_constitution_decision_reaches_a_requester_with_a_phone_once(
    decided_request, sms, clock, django_capture_on_commit_callbacks
):
    request = decided_request(phone_person("rosa"))

    twice(
        django_capture_on_commit_callbacks,
        lambda: notify_constitution_decision.apply(args=[request.pk]).get(),
    )

    (text,) = sms.accepted
    assert text.startswith(
        "La coordinacion estatal no pudo aprobar Consejo Las Huertas: "
        "Falta el acta firmada. http://testserver/mi-formacion/"
    )
    assert mail.outbox == []


def test_a_constitution_decision_without_consent_is_skipped(
    decided_request, sms, clock, django_capture_on_commit_callbacks
):
    requester = make_person("rosa", email="rosa@example.org")
    request = decided_request(requester)

    twice(
        django_capture_on_commit_callbacks,
        lambda: notify_constitution_decision.apply(args=[request.pk]).get(),
    )

    assert mail.outbox == [] and sms.requests == []
    assert Notice.objects.get(user=requester).status == Status.SKIPPED


# A new course in an axis one follows


def publish_again(course):
    course.save_revision().publish()


def test_followers_of_an_axis_are_told_of_its_new_course_once(
    sms, clock, django_capture_on_commit_callbacks
):
    lupe = phone_person("lupe")
    pedro = make_person("pedro", email="pedro@example.org")
    consent(pedro)
    other_axis = make_person("otro", email="otro@example.org")
    consent(other_axis)
    first = make_course("Primero", axis_number=1)
    axis, other = first.primary_axis, make_course("Otro", axis_number=2).primary_axis
    axis_follow_set(user=lupe, axis=axis, follow=True)
    axis_follow_set(user=pedro, axis=axis, follow=True)
    axis_follow_set(user=other_axis, axis=other, follow=True)

    with django_capture_on_commit_callbacks(execute=True):
        course = make_course("Asambleas que deciden", axis_number=1)
    with django_capture_on_commit_callbacks(execute=True):
        publish_again(CoursePage.objects.get(pk=course.pk))  # an edit: no news

    (text,) = sms.accepted
    assert text.startswith("Curso nuevo en ")
    assert "Asambleas que deciden" in text
    assert f"http://testserver{course.url}" in text
    (message,) = mail.outbox
    assert message.to == ["pedro@example.org"]
    assert f"http://testserver{course.url}" in message.body
    assert Notice.objects.filter(kind="new_course").count() == 2


def test_a_course_unpublished_and_published_again_is_not_news(
    sms, clock, django_capture_on_commit_callbacks
):
    lupe = phone_person("lupe")
    course = make_course("Asambleas que deciden", axis_number=1)
    axis_follow_set(user=lupe, axis=course.primary_axis, follow=True)
    course.unpublish()

    with django_capture_on_commit_callbacks(execute=True):
        publish_again(CoursePage.objects.get(pk=course.pk))

    assert sms.requests == [] and not Notice.objects.exists()


def test_a_follower_without_consent_is_not_told(
    sms, clock, django_capture_on_commit_callbacks
):
    pedro = make_person("pedro", email="pedro@example.org")
    axis_follow_set(user=pedro, axis=make_course("A").primary_axis, follow=True)

    with django_capture_on_commit_callbacks(execute=True):
        make_course("Asambleas que deciden", axis_number=1)

    assert mail.outbox == []
    assert Notice.objects.get(user=pedro).status == Status.SKIPPED


def test_announcing_a_course_takes_as_many_queries_for_30_followers_as_for_1():
    """The planner reads the course, then one statement writes a notice for
    every follower not yet told and their delivery is handed over in
    batches: nothing grows with the followers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.services import course_announce

    few = make_course("Asambleas que deciden", axis_number=1)
    many = make_course("Contraloría desde la colonia", axis_number=2)
    people = [make_person(f"p{n}", email=f"p{n}@example.org") for n in range(31)]
    AxisFollow.objects.bulk_create(
        [AxisFollow(user=people[0], axis=few.primary_axis)]
        + [AxisFollow(user=person, axis=many.primary_axis) for person in people[1:]]
    )
    course_announce(make_course("Calentamiento", axis_number=3).pk)  # warm caches

    with CaptureQueriesContext(connection) as one:
        assert course_announce(few.pk) == 1
    with CaptureQueriesContext(connection) as thirty:
        assert course_announce(many.pk) == 30

    assert len(thirty) == len(one) <= 8
    assert Notice.objects.filter(kind="new_course").count() == 31
    assert set(
        Notice.objects.filter(key=f"course:{many.pk}").values_list("user", flat=True)
    ) == {person.pk for person in people[1:]}
    # Run again (a retried task): nobody is told twice.
    assert course_announce(many.pk) == 0
    assert Notice.objects.filter(kind="new_course").count() == 31
