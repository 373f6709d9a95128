"""/mi-formacion/: the signed-in member's courses in progress and completed, their
constancias, and progress on each axis as bars with their figures in words.

The query-count tests at the end build a member with 40 enrolments and 300
completions once for the module; they stay last in this file so that the data
they build (rolled back at the end of the module) is not seen by the others.
"""

import re
from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.utils import timezone
from wagtail.signal_handlers import disable_reference_index_auto_update

from courses.models import (
    Axis,
    Certificate,
    CompletionSource,
    Enrollment,
    LessonCompletion,
    QuizAttempt,
)
from members.models import User
from tests.conftest import assert_only_the_site_script
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import (
    lessons_of,
    make_course,
    make_lesson,
    signed_in,
    text_of,
    two_question_quiz,
)

pytestmark = pytest.mark.django_db

URL = "/mi-formacion/"

course = learning_fixtures.course
member = learning_fixtures.member
member_client = learning_fixtures.member_client
certificate_media = learning_fixtures.certificate_media


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def test_my_formation_requires_signing_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/cuenta/entrar/?next=/mi-formacion/"


def test_a_new_member_is_invited_to_find_a_course(member_client):
    text = text_of(member_client.get(URL))

    assert "Mi formación" in text
    assert "Hola, Lucía." in text
    assert "Por ahora no estás estudiando ningún curso." in text
    assert "Cuando termines un curso, su constancia aparecerá aquí." in text


def test_a_course_in_progress_shows_progress_and_continue(member_client, course):
    first, second, _third = lessons_of(course)
    member_client.post(first.url + "completar/")

    html = html_of(member_client.get(URL))

    in_progress = html[html.index('id="en-curso"') : html.index('id="terminados"')]
    assert "Asambleas que deciden" in in_progress
    assert "1 de 3 lecciones" in in_progress
    assert '<progress max="100" value="33"' in in_progress
    assert f'href="{second.url}">Continuar' in in_progress


def test_a_completed_course_offers_its_constancia(
    member_client, member, course, django_capture_on_commit_callbacks, certificate_media
):
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons_of(course):
            member_client.post(lesson.url + "completar/")
    certificate = Certificate.objects.get(user=member)

    html = html_of(member_client.get(URL))

    in_progress = html[html.index('id="en-curso"') : html.index('id="terminados"')]
    completed = html[html.index('id="terminados"') : html.index('id="por-eje"')]
    assert "Asambleas que deciden" not in in_progress
    assert "Asambleas que deciden" in completed
    assert (
        f'<a href="/constancias/{certificate.code}/pdf/">Descargar constancia (PDF)</a>'
        in completed
    )
    assert f'href="/constancias/{certificate.code}/"' in completed
    download = member_client.get(f"/constancias/{certificate.code}/pdf/")
    assert download.status_code == 200


def test_dates_are_written_in_words_in_the_sites_time_zone(
    member_client, member, course
):
    """Late on 6 December in Mexico City is already the 7th in UTC."""
    Enrollment.objects.create(
        user=member,
        course=course,
        completed_at=datetime(2026, 12, 7, 5, 30, tzinfo=UTC),
    )

    text = text_of(member_client.get(URL))

    assert "6 de diciembre de 2026" in text
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", text), "a numeric date is shown"


def test_a_constancia_still_being_prepared_says_so(member_client, member, course):
    Enrollment.objects.create(user=member, course=course, completed_at=timezone.now())

    text = text_of(member_client.get(URL))

    assert "tu constancia se está preparando" in text
    assert "Descargar constancia" not in text


def test_a_revoked_constancia_is_not_offered(member_client, member, course):
    Enrollment.objects.create(user=member, course=course, completed_at=timezone.now())
    Certificate.objects.create(
        user=member,
        course=course,
        person_name="",
        course_title=course.title,
        axis_name="Democracia participativa y directa",
        hours=4,
        file="constancias/revocada.pdf",
        revoked_at=timezone.now(),
    )

    text = text_of(member_client.get(URL))

    assert "Descargar constancia" not in text


def test_progress_on_each_axis_is_a_bar_with_its_figures_in_words(
    member_client, member, course
):
    make_course("Contraloría ciudadana", axis_number=2)
    Enrollment.objects.create(user=member, course=course, completed_at=timezone.now())

    html = html_of(member_client.get(URL))

    chart = html[html.index('id="por-eje"') :]
    assert "Mi avance en cada eje" in chart
    chart = chart[: chart.index("</ul>")]
    rows = re.findall(
        r'<span class="axis-progress__name">(.*?)</span>\s*'
        r'<span class="axis-progress__figure">(.*?)</span>\s*'
        r'<progress max="100" value="(\d+)" aria-hidden="true">',
        chart,
    )
    assert [name for name, _figure, _percent in rows] == [
        str(axis) for axis in Axis.objects.ordered()
    ]
    by_number = {
        name.split(".")[0]: (figure, percent) for name, figure, percent in rows
    }
    assert by_number["1"] == ("1 de 1 curso", "100")
    assert by_number["2"] == ("0 de 1 curso", "0")
    assert by_number["3"] == ("aún no hay cursos", "0")


def axis_rows(html):
    chart = html[html.index('id="por-eje"') :]
    chart = chart[: chart.index("</ul>")]
    return {
        name.split(".")[0]: (re.sub(r"<[^>]+>", "", figure), percent)
        for name, figure, percent in re.findall(
            r'<span class="axis-progress__name">(.*?)</span>\s*'
            r'<span class="axis-progress__figure">(.*?)</span>\s*'
            r'<progress max="100" value="(\d+)" aria-hidden="true">',
            chart,
        )
    }


def test_a_course_in_progress_counts_on_its_axis_by_its_lessons_done(
    member_client, member, course
):
    second = make_course("Contraloría ciudadana", axis_number=1)
    make_lesson(second, "Pedir cuentas")
    first_lesson = lessons_of(course)[0]
    member_client.post(first_lesson.url + "completar/")
    Enrollment.objects.create(user=member, course=second)

    rows = axis_rows(html_of(member_client.get(URL)))

    # One lesson of three in one course, none in the other: a sixth of the axis.
    assert rows["1"] == ("0 de 2 cursos, 2 empezados", "17")
    assert rows["2"] == ("aún no hay cursos", "0")


def test_a_course_unpublished_since_is_not_counted_on_its_axis(
    member_client, member, course
):
    make_course("Contraloría ciudadana", axis_number=1)
    Enrollment.objects.create(user=member, course=course, completed_at=timezone.now())
    course.unpublish()

    rows = axis_rows(html_of(member_client.get(URL)))

    assert rows["1"] == ("0 de 1 curso", "0")


def test_the_page_works_without_javascript(member_client, course):
    html = html_of(member_client.get(URL))

    assert_only_the_site_script(html)


def test_the_council_section_is_there(member_client):
    text = text_of(member_client.get(URL))

    assert "Mi consejo" in text


def test_only_the_members_own_courses_are_shown(member_client, course, make_user):
    other = signed_in(make_user("otra"))
    other.post(course.url + "inscribirme/")

    text = text_of(member_client.get(URL))

    assert "Asambleas que deciden" not in text


# Query counts: a member with 40 enrolments and 300 completions makes the same
# number of queries as a member with one enrolment and one completion.

# Measured for the small member, with the shared cache warm (the first request):
# the session, the site, the route, the navigation, the member's permissions,
# the pathway, the axes, the published courses per axis, a lesson's course
# outline and the Wagtail page itself (home.routing) come from it. What is
# left is the user and the page's own queries:
# on /mi-formacion/ the enrolments with their progress (3), constancias,
# councils, offices, the four facts of the route that the page has not read,
# the mentor link, whether the member accepted the notice in force, and the
# requests to constitute a council that name them as a founder (one query,
# whether there are none or several), the member's calendar address and the
# axes she follows (one query); on a lesson, the enrolment and completions;
# on the catalogue filtered by an axis, whether she follows it.
MY_FORMATION_QUERIES = 16
LESSON_PAGE_QUERIES = 3
COURSE_PAGE_QUERIES = 9
CATALOGUE_QUERIES = 9

LESSONS_PER_COURSE = 8


def build_learners():
    axes = list(Axis.objects.ordered())
    courses = []
    lessons = {}
    for number in range(40):
        created = make_course(
            f"Curso de prueba {number + 1:02d}",
            axis_number=axes[number % len(axes)].number,
            publish=False,
        )
        courses.append(created)
        lessons[created.pk] = [
            make_lesson(
                created,
                f"Lección {number + 1:02d}-{position + 1}",
                publish=False,
                quiz=two_question_quiz()
                if position == LESSONS_PER_COURSE - 1
                else None,
            )
            for position in range(LESSONS_PER_COURSE)
        ]
    now = timezone.now()
    big = User.objects.create_user("muchas", password="x", first_name="Marta")
    small = User.objects.create_user("una", password="x", first_name="Úrsula")

    # Big: the first 20 courses complete (8 lessons each, with constancias), the
    # other 20 with 7 of 8 lessons: 160 + 140 = 300 completions.
    Enrollment.objects.bulk_create(
        Enrollment(user=big, course=c, completed_at=now if n < 20 else None)
        for n, c in enumerate(courses)
    )
    LessonCompletion.objects.bulk_create(
        LessonCompletion(
            user=big, lesson=lesson, course=c, source=CompletionSource.ONLINE
        )
        for n, c in enumerate(courses)
        for lesson in lessons[c.pk][: LESSONS_PER_COURSE if n < 20 else 7]
    )
    Certificate.objects.bulk_create(
        Certificate(
            user=big,
            course=c,
            person_name="Marta",
            course_title=c.title,
            axis_name=c.primary_axis.name,
            hours=c.estimated_hours,
            file=f"constancias/constancia-{n}.pdf",
        )
        for n, c in enumerate(courses[:20])
    )
    target = courses[20]
    quiz_lesson = lessons[target.pk][-1]
    QuizAttempt.objects.bulk_create(
        QuizAttempt(user=big, lesson=quiz_lesson, answers={}, score=0, passed=False)
        for _ in range(5)
    )
    # Small: one enrolment, one completion, in the same course.
    Enrollment.objects.create(user=small, course=target)
    LessonCompletion.objects.create(
        user=small, lesson=lessons[target.pk][0], course=target
    )
    QuizAttempt.objects.create(
        user=small, lesson=quiz_lesson, answers={}, score=0, passed=False
    )
    assert LessonCompletion.objects.filter(user=big).count() == 300
    assert Enrollment.objects.filter(user=big).count() == 40
    return {
        "big": big,
        "small": small,
        "course": target,
        "lesson": lessons[target.pk][3],
        "quiz_lesson": quiz_lesson,
    }


@pytest.fixture(scope="module")
def learners(django_db_setup, django_db_blocker):
    """Built once for these tests, and rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        with disable_reference_index_auto_update():
            data = build_learners()
        yield data
        transaction.set_rollback(True)


@pytest.fixture
def count_queries(client, db, django_assert_num_queries):
    def count(user, url, expected):
        client.force_login(user)
        assert client.get(url).status_code == 200  # warm-up: site root, caches
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200
        return text_of(response)

    return count


@pytest.mark.parametrize("who", ["small", "big"])
def test_my_formation_makes_the_same_queries_for_one_or_forty_courses(
    learners, count_queries, who
):
    text = count_queries(learners[who], URL, MY_FORMATION_QUERIES)

    assert "Curso de prueba 21" in text
    assert "Continuar" in text
    if who == "big":
        assert text.count("Descargar constancia (PDF)") == 20
        assert "7 de 8 lecciones" in text


def test_requests_naming_the_member_as_a_founder_cost_no_more_queries(
    learners, count_queries
):
    from councils.models import (
        ConstitutionFounder,
        ConstitutionRequest,
        LeadershipRole,
        State,
    )

    person = learners["small"]
    for number in range(3):
        request = ConstitutionRequest.objects.create(
            proposed_name=f"Consejo Comunitario Número {number}",
            state=State.objects.get(code="14"),
            sector=f"Colonia {number}",
            assembly_on=timezone.localdate(),
            assembly_place="Plaza principal",
            acta="constituciones/acta.pdf",
        )
        ConstitutionFounder.objects.create(
            request=request,
            full_name="Úrsula",
            user=person,
            role=LeadershipRole.objects.get(slug="coordinador-de-consejo"),
        )

    text = count_queries(person, URL, MY_FORMATION_QUERIES)

    assert text.count("Sí, soy fundadora/fundador") == 3
    assert "Consejo Comunitario Número 2" in text


@pytest.mark.parametrize("who", ["small", "big"])
def test_a_lesson_page_makes_the_same_queries(learners, count_queries, who):
    text = count_queries(learners[who], learners["lesson"].url, LESSON_PAGE_QUERIES)

    assert "Lección 21-4" in text
    assert ("7 de 8 lecciones" if who == "big" else "1 de 8 lecciones") in text


@pytest.mark.parametrize("who", ["small", "big"])
def test_a_quiz_lesson_page_with_an_attempt_makes_the_same_queries(
    learners, count_queries, who
):
    attempt = QuizAttempt.objects.filter(
        user=learners[who], lesson=learners["quiz_lesson"]
    ).first()

    text = count_queries(
        learners[who],
        f"{learners['quiz_lesson'].url}?intento={attempt.pk}",
        LESSON_PAGE_QUERIES + 1,
    )

    assert "Obtuviste 0%" in text


@pytest.mark.parametrize("who", ["small", "big"])
def test_the_course_page_makes_the_same_queries(learners, count_queries, who):
    text = count_queries(learners[who], learners["course"].url, COURSE_PAGE_QUERIES)

    assert "Curso de prueba 21" in text
    assert ("7 de 8 lecciones" if who == "big" else "1 de 8 lecciones") in text


@pytest.mark.parametrize("who", ["small", "big"])
def test_the_catalogue_makes_the_same_queries(learners, count_queries, who):
    axis = learners["course"].primary_axis.slug
    text = count_queries(learners[who], f"/cursos/?eje={axis}", CATALOGUE_QUERIES)

    assert ("7 de 8 lecciones" if who == "big" else "1 de 8 lecciones") in text
