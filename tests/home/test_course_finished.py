"""Finishing a course has its moment: the last lesson marked as studied, or the
last quiz passed, lands on /mi-formacion/terminado/<curso>/, which says she
finished, gives her constancia (or says it is being made), what the course
counts toward on her route as a leader, and a course to take next."""

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from councils.factories import join, make_council
from councils.models import RequirementKind, RoleRequirement
from courses.models import Certificate, Enrollment, LessonCompletion, QuizAttempt
from tests.conftest import assert_only_the_site_script
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import (
    lessons_of,
    make_course,
    make_lesson,
    quiz_ids,
    text_of,
    two_question_quiz,
)

pytestmark = pytest.mark.django_db

course = learning_fixtures.course
member = learning_fixtures.member
member_client = learning_fixtures.member_client
certificate_media = learning_fixtures.certificate_media


def finished_url(course):
    return f"/mi-formacion/terminado/{course.slug}/"


def section(html, anchor):
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


def finish(client, course):
    """Marks every lesson as studied; the last answer, followed."""
    *first, last = lessons_of(course)
    for lesson in first:
        client.post(lesson.url + "completar/")
    return client.post(last.url + "completar/", follow=True)


def test_marking_the_last_lesson_studied_lands_on_the_finished_page_with_the_constancia(
    member_client, member, course, django_capture_on_commit_callbacks, certificate_media
):
    with django_capture_on_commit_callbacks(execute=True):
        landed = finish(member_client, course)
    # The worker has made the constancia (as in the demo, before the page).
    response = member_client.get(finished_url(course))

    assert landed.redirect_chain[-1][0] == finished_url(course)
    certificate = Certificate.objects.get(user=member, course=course)
    html = response.content.decode()
    text = text_of(response)
    assert "¡Terminaste el curso!" in text
    assert "Asambleas que deciden" in text
    constancia = section(html, "constancia")
    download = f"/constancias/{certificate.code}/pdf/"
    assert f'href="{download}">Descargar mi constancia (PDF)</a>' in constancia
    assert f'href="/constancias/{certificate.code}/"' in constancia
    pdf = member_client.get(download)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert_only_the_site_script(html)


def test_passing_the_last_quiz_lands_on_the_finished_page(
    member_client, member, django_capture_on_commit_callbacks, certificate_media
):
    quiz_course = make_course("Contraloría ciudadana")
    make_lesson(quiz_course, "Leer un presupuesto")
    last = make_lesson(quiz_course, "Rendir cuentas", quiz=two_question_quiz())
    member_client.post(lessons_of(quiz_course)[0].url + "completar/")
    answers = {
        f"q-{question}": choices[0]  # the right answer is written first
        for question, choices in quiz_ids(last)
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            last.url + "autoevaluacion/", answers, follow=True
        )

    attempt = QuizAttempt.objects.get(user=member)
    landed = f"{finished_url(quiz_course)}?intento={attempt.pk}"
    assert response.redirect_chain[-1][0] == landed
    # Her answers and their feedback stay one link away.
    answers = f"{last.url}?intento={attempt.pk}#autoevaluacion"
    assert f'<a href="{answers}">' in response.content.decode()
    text = text_of(response)
    assert "Aprobaste con 100%" in text
    assert "¡Terminaste el curso!" in text
    later = text_of(member_client.get(finished_url(quiz_course)))
    assert "Descargar mi constancia (PDF)" in later


def test_a_lesson_that_is_not_the_last_one_still_opens_the_next(member_client, course):
    first, second, _third = lessons_of(course)

    response = member_client.post(first.url + "completar/")

    assert response["Location"] == second.url


def test_a_constancia_still_being_made_says_so_and_how_to_look_again(
    member_client, member, course
):
    # The worker has not run: the task is left in the outbox.
    response = finish(member_client, course)

    assert response.redirect_chain[-1][0] == finished_url(course)
    constancia = section(response.content.decode(), "constancia")
    assert "Tu constancia se está preparando" in constancia
    assert f'href="{finished_url(course)}">Ver si ya está lista</a>' in constancia
    assert "Descargar" not in constancia


def test_a_revoked_constancia_says_so_instead_of_being_prepared(
    member_client, member, course, django_capture_on_commit_callbacks, certificate_media
):
    with django_capture_on_commit_callbacks(execute=True):
        finish(member_client, course)
    Certificate.objects.filter(user=member, course=course).update(
        revoked_at=timezone.now()
    )

    constancia = section(
        member_client.get(finished_url(course)).content.decode(), "constancia"
    )

    assert "Tu constancia de este curso se revocó" in constancia
    assert "se está preparando" not in constancia
    assert "Descargar" not in constancia


def test_what_the_course_counts_toward_on_her_route(member_client, member, course):
    council = make_council("Consejo Santa Cecilia", provision=False, publish=False)
    join(member, council)
    promoter = RoleRequirement.objects.filter(role__slug="promotor-comunitario")
    RoleRequirement.objects.create(
        role=promoter.first().role,
        kind=RequirementKind.COURSE,
        course=course,
        sort_order=90,
    )

    html = finish(member_client, course).content.decode()

    counts = " ".join(section(html, "cuenta-para").split())
    assert "<h3>Promotor/a comunitario/a</h3>" in counts
    assert "cumplido:</span> Terminar el curso «Asambleas que deciden»" in counts
    # Its 4 hours of the 8 that role asks for.
    assert (
        "falta:</span> 8 horas de estudio (cursos y círculos de estudio) (4/8)"
        in counts
    )
    # Circles and months are not what a course adds to.
    assert "círculo" not in counts.replace("cursos y círculos de estudio", "")
    assert "meses" not in counts
    # The council coordinator's axis requirement: one course of axis 1.
    assert "<h3>Coordinador/a de consejo</h3>" in counts
    assert "cumplido:</span> Terminar 1 curso del eje 1 (1/1)" in counts
    assert 'href="/mi-formacion/#mi-ruta"' in counts


def test_the_suggested_course_is_one_that_asks_for_this_one_first(
    member_client, member, course
):
    make_course("Memoria del barrio", axis_number=1)  # same axis
    make_course("Economía solidaria", axis_number=2)
    follows = make_course(
        "Contraloría ciudadana", axis_number=3, prerequisites=[course]
    )
    blocked = make_course("Presupuesto participativo", axis_number=1)
    blocked.prerequisites.set([make_course("Finanzas del consejo", axis_number=6)])
    secret = make_course("Estrategia interna", axis_number=1, prerequisites=[course])
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x1"
    )

    html = finish(member_client, course).content.decode()

    following = section(html, "siguiente")
    assert f'<a href="{follows.url}">Contraloría ciudadana</a>' in following
    assert "Estrategia interna" not in html


def test_without_a_course_asking_for_it_one_of_the_same_axis_comes_next(
    member_client, member, course
):
    make_course("Economía solidaria", axis_number=2)
    same = make_course("Memoria del barrio", axis_number=1)
    started = make_course("Tequio y trabajo común", axis_number=1)
    Enrollment.objects.create(user=member, course=started)

    following = section(finish(member_client, course).content.decode(), "siguiente")

    assert f'<a href="{same.url}">Memoria del barrio</a>' in following
    assert "Tequio" not in following


def test_a_course_not_finished_yet_sends_her_back_to_its_page(
    member_client, member, course
):
    Enrollment.objects.create(user=member, course=course)

    response = member_client.get(finished_url(course))

    assert response.status_code == 302
    assert response["Location"] == course.url


def test_another_persons_course_or_one_never_taken_is_not_found(
    member_client, make_user, course
):
    other = make_user("otra")
    Enrollment.objects.create(user=other, course=course, completed_at=timezone.now())

    assert member_client.get(finished_url(course)).status_code == 404
    assert member_client.get("/mi-formacion/terminado/no-existe/").status_code == 404


def test_someone_elses_attempt_is_never_linked(
    member_client, member, make_user, course
):
    other = make_user("otra")
    lesson = lessons_of(course)[0]
    theirs = QuizAttempt.objects.create(
        user=other, lesson=lesson, answers={}, score=100, passed=True
    )
    finish(member_client, course)

    html = member_client.get(f"{finished_url(course)}?intento={theirs.pk}")

    assert "#autoevaluacion" not in html.content.decode()
    assert "Ver tus respuestas" not in text_of(html)


@pytest.mark.parametrize("value", ["²", "٣", "abc", "99999999999999"])
def test_an_odd_attempt_number_in_the_address_is_ignored(member_client, course, value):
    finish(member_client, course)

    response = member_client.get(f"{finished_url(course)}?intento={value}")

    assert response.status_code == 200
    assert "Ver tus respuestas" not in text_of(response)


def test_signing_in_is_asked_first(client, course):
    response = client.get(finished_url(course))

    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/entrar/?next=")


def test_the_course_and_its_last_lesson_lead_back_to_the_finished_page(
    member_client, member, course
):
    finish(member_client, course)
    assert LessonCompletion.objects.filter(user=member).count() == 3

    course_page = member_client.get(course.url).content.decode()
    lesson_page = member_client.get(lessons_of(course)[-1].url).content.decode()

    assert f'href="{finished_url(course)}">Ver tu constancia</a>' in course_page
    assert f'href="{finished_url(course)}">' in lesson_page
