"""A member enrols, studies lessons, fails then passes a quiz, and sees their
progress on the course page and in the catalogue, all through HTTP."""

import re

import pytest
from wagtail.models import PageViewRestriction

from courses.models import Certificate, Enrollment, LessonCompletion, QuizAttempt
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import (
    lessons_of,
    make_course,
    make_lesson,
    quiz_data,
    quiz_ids,
    two_question_quiz,
)

pytestmark = pytest.mark.django_db

# Shared fixtures, used by name in the tests below.
course = learning_fixtures.course
member = learning_fixtures.member
member_client = learning_fixtures.member_client
certificate_media = learning_fixtures.certificate_media


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


# Enrolment


def test_a_member_enrols_by_post_and_lands_on_the_first_lesson(
    member_client, member, course
):
    first = lessons_of(course)[0]

    response = member_client.post(course.url + "inscribirme/", follow=True)

    assert response.redirect_chain[-1][0] == first.url
    assert "Ya estás inscrita o inscrito. ¡Disfruta el curso!" in html_of(response)
    assert Enrollment.objects.filter(user=member, course=course).count() == 1


def test_enrolling_twice_is_one_enrolment(member_client, member, course):
    member_client.post(course.url + "inscribirme/", follow=True)
    second = member_client.post(course.url + "inscribirme/", follow=True)

    assert Enrollment.objects.filter(user=member, course=course).count() == 1
    assert "Ya estás inscrita" not in html_of(second)


def test_a_get_does_not_enrol(member_client, member, course):
    response = member_client.get(course.url + "inscribirme/")

    assert response.status_code == 302
    assert response["Location"] == course.url
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, course, method):
    response = getattr(client, method)(course.url + "inscribirme/")

    assert response.status_code == 302
    assert response["Location"] == f"/cuenta/entrar/?next={course.url}"
    assert not Enrollment.objects.exists()


def test_the_course_page_offers_to_enrol_or_to_sign_in(client, member, course):
    anonymous = html_of(client.get(course.url))
    client.force_login(member)
    signed_in = html_of(client.get(course.url))

    assert "Entra para inscribirte" in anonymous
    assert f'href="/cuenta/entrar/?next={course.url}"' in anonymous
    assert f'action="{course.url}inscribirme/"' in signed_in


def test_prerequisites_are_enforced_naming_the_missing_course(
    member_client, member, course
):
    advanced = make_course("Contraloría ciudadana", prerequisites=[course])
    make_lesson(advanced, "Leer un presupuesto")

    response = member_client.post(advanced.url + "inscribirme/", follow=True)

    assert response.redirect_chain[-1][0] == advanced.url
    assert "Antes de este curso, termina: «Asambleas que deciden»." in html_of(response)
    assert not Enrollment.objects.filter(course=advanced).exists()


def restricted_course(title):
    """A course behind a password: never named to who cannot see it."""
    course = make_course(title)
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="x1"
    )
    return course


def test_a_restricted_prerequisite_still_applies_without_being_named(
    member_client, member, course
):
    secret = restricted_course("Estrategia electoral interna")
    advanced = make_course("Contraloría ciudadana", prerequisites=[course, secret])
    make_lesson(advanced, "Leer un presupuesto")

    response = member_client.post(advanced.url + "inscribirme/", follow=True)

    html = html_of(response)
    assert (
        "Antes de este curso, termina: «Asambleas que deciden», un curso de "
        "acceso restringido." in html
    )
    assert "Estrategia electoral interna" not in html
    assert not Enrollment.objects.filter(course=advanced).exists()


def enrol_section(html):
    start = html.index('id="mi-avance"')
    return html[start : html.index("</section>", start)]


def test_who_cannot_enrol_yet_is_shown_what_to_finish_first_instead_of_the_button(
    member_client, member, course
):
    advanced = make_course("Contraloría ciudadana", prerequisites=[course])
    make_lesson(advanced, "Leer un presupuesto")

    section = enrol_section(html_of(member_client.get(advanced.url)))

    assert "inscribirme/" not in section
    assert "Inscribirme en este curso" not in section
    assert "Para inscribirte en este curso, primero termina:" in section
    assert f'<a href="{course.url}">Asambleas que deciden</a>' in section


def test_a_restricted_prerequisite_to_finish_first_is_counted_never_named(
    member_client, member, course
):
    secret = restricted_course("Estrategia electoral interna")
    advanced = make_course("Contraloría ciudadana", prerequisites=[course, secret])
    for lesson in lessons_of(course):
        member_client.post(lesson.url + "completar/")

    html = html_of(member_client.get(advanced.url))
    section = enrol_section(html)

    assert "Estrategia electoral interna" not in html
    assert "Un curso de acceso restringido" in section
    # The prerequisite she finished is no longer asked of her.
    assert "Asambleas que deciden" not in section
    assert "inscribirme/" not in section


def test_once_the_prerequisites_are_finished_the_course_page_offers_to_enrol(
    member_client, member, course
):
    advanced = make_course("Contraloría ciudadana", prerequisites=[course])
    make_lesson(advanced, "Leer un presupuesto")
    for lesson in lessons_of(course):
        member_client.post(lesson.url + "completar/")

    section = enrol_section(html_of(member_client.get(advanced.url)))

    assert f'action="{advanced.url}inscribirme/"' in section
    assert "primero termina" not in section


def test_after_completing_the_prerequisite_the_member_can_enrol(
    member_client, member, course
):
    advanced = make_course("Contraloría ciudadana", prerequisites=[course])
    make_lesson(advanced, "Leer un presupuesto")
    for lesson in lessons_of(course):
        member_client.post(lesson.url + "completar/")
    assert Enrollment.objects.get(user=member, course=course).completed_at

    member_client.post(advanced.url + "inscribirme/")

    assert Enrollment.objects.filter(user=member, course=advanced).exists()


# Lessons


def test_marking_a_lesson_studied_completes_it_and_opens_the_next(
    member_client, member, course
):
    first, second, _third = lessons_of(course)

    response = member_client.post(first.url + "completar/", follow=True)

    assert response.redirect_chain[-1][0] == second.url
    assert "Lección marcada como estudiada." in html_of(response)
    completion = LessonCompletion.objects.get(user=member, lesson=first)
    assert completion.course_id == course.pk
    assert completion.source == "en_linea"
    # Studying a lesson enrols the member in its course.
    assert Enrollment.objects.filter(user=member, course=course).exists()


def test_marking_a_lesson_studied_twice_is_one_completion(
    member_client, member, course
):
    first = lessons_of(course)[0]

    member_client.post(first.url + "completar/", follow=True)
    again = member_client.post(first.url + "completar/", follow=True)

    assert LessonCompletion.objects.filter(user=member, lesson=first).count() == 1
    assert "Lección marcada como estudiada." not in html_of(again)


def test_the_last_lesson_leads_back_to_the_course(member_client, course):
    last = lessons_of(course)[-1]

    response = member_client.post(last.url + "completar/")

    assert response["Location"] == course.url


def test_a_get_does_not_complete_a_lesson(member_client, course):
    first = lessons_of(course)[0]

    response = member_client.get(first.url + "completar/")

    assert response.status_code == 302
    assert response["Location"] == first.url
    assert not LessonCompletion.objects.exists()


def test_an_anonymous_visitor_cannot_complete_a_lesson(client, course):
    first = lessons_of(course)[0]

    response = client.post(first.url + "completar/")

    assert response["Location"] == f"/cuenta/entrar/?next={first.url}"
    assert not LessonCompletion.objects.exists()


def test_the_lesson_page_shows_the_button_then_the_completion(member_client, course):
    first = lessons_of(course)[0]

    before = html_of(member_client.get(first.url))
    member_client.post(first.url + "completar/")
    after = html_of(member_client.get(first.url))

    assert "Marcar como estudiada" in before
    assert f'action="{first.url}completar/"' in before
    assert "Completaste esta lección." in after
    assert "Marcar como estudiada" not in after
    assert "1 de 3 lecciones" in after


def test_a_lesson_with_a_quiz_is_not_completed_by_marking_it_studied(
    member_client, member, course
):
    quiz_lesson = make_lesson(course, "Autoevaluación final", quiz=two_question_quiz())

    page = html_of(member_client.get(quiz_lesson.url))
    response = member_client.post(quiz_lesson.url + "completar/", follow=True)

    assert "Marcar como estudiada" not in page
    assert response.redirect_chain[-1][0] == quiz_lesson.url + "#autoevaluacion"
    assert "Esta lección se completa al aprobar su autoevaluación." in html_of(response)
    assert not LessonCompletion.objects.filter(lesson=quiz_lesson).exists()


# Progress on the course page and in the catalogue


def test_the_course_page_shows_progress_and_continue(member_client, course):
    first, second, _third = lessons_of(course)
    member_client.post(course.url + "inscribirme/")
    member_client.post(first.url + "completar/")

    html = html_of(member_client.get(course.url))

    assert "1 de 3 lecciones" in html
    assert re.search(r'<progress max="100" value="33"', html)
    assert f'<a class="button button--primary" href="{second.url}">Continuar' in html


def test_continue_points_to_the_first_lesson_not_yet_completed(member_client, course):
    first, second, third = lessons_of(course)
    member_client.post(first.url + "completar/")
    member_client.post(third.url + "completar/")

    html = html_of(member_client.get(course.url))

    assert "2 de 3 lecciones" in html
    assert f'href="{second.url}">Continuar' in html


def test_an_enrolled_member_without_progress_sees_zero(member_client, course):
    member_client.post(course.url + "inscribirme/")

    html = html_of(member_client.get(course.url))

    assert "0 de 3 lecciones" in html
    assert '<progress max="100" value="0"' in html
    assert f'href="{lessons_of(course)[0].url}">Continuar' in html


def test_a_completed_course_says_so_and_points_to_the_constancia(
    member_client, course, certificate_media
):
    for lesson in lessons_of(course):
        member_client.post(lesson.url + "completar/")

    html = html_of(member_client.get(course.url))

    assert "3 de 3 lecciones" in html
    assert '<progress max="100" value="100"' in html
    assert "Terminaste este curso." in html
    assert 'href="/mi-formacion/"' in html


def test_draft_lessons_are_not_counted(member_client, course):
    make_lesson(course, "Borrador", live=False)
    first = lessons_of(course)[0]
    member_client.post(first.url + "completar/")

    html = html_of(member_client.get(first.url))

    assert "1 de 3 lecciones" in html
    assert "Lección 1 de 3" in html


@pytest.mark.parametrize("withdraw", ["unpublish", "delete"])
def test_withdrawing_the_one_lesson_left_completes_the_course(
    member_client,
    member,
    course,
    certificate_media,
    withdraw,
    django_capture_on_commit_callbacks,
):
    first, second, third = lessons_of(course)
    member_client.post(first.url + "completar/")
    member_client.post(second.url + "completar/")

    with django_capture_on_commit_callbacks(execute=True):
        getattr(third, withdraw)()

    assert Enrollment.objects.get(user=member).completed_at is not None
    assert Certificate.objects.filter(user=member, course=course).exists()
    html = html_of(member_client.get(course.url))
    assert "2 de 2 lecciones" in html
    assert "Terminaste este curso." in html


def test_a_lesson_moved_to_another_course_counts_as_done_there(
    member_client, member, course, django_capture_on_commit_callbacks
):
    other = make_course("Contraloría ciudadana", axis_number=2)
    make_lesson(other, "Pedir cuentas")
    moved = lessons_of(course)[2]
    member_client.post(moved.url + "completar/")
    member_client.post(other.url + "inscribirme/")

    with django_capture_on_commit_callbacks(execute=True):
        moved.move(other, pos="last-child")

    html = html_of(member_client.get(other.url))
    assert "1 de 2 lecciones" in html
    catalogue = html_of(member_client.get("/cursos/"))
    assert "1 de 2 lecciones" in catalogue


def test_the_catalogue_shows_progress_and_continue(member_client, course):
    first, second, _third = lessons_of(course)
    member_client.post(first.url + "completar/")

    html = html_of(member_client.get("/cursos/"))

    assert "1 de 3 lecciones" in html
    assert re.search(r'<progress max="100" value="33"', html)
    assert f'href="{second.url}">Continuar' in html


def test_the_catalogue_shows_no_progress_to_anonymous_visitors(client, course):
    html = html_of(client.get("/cursos/"))

    assert "de 3 lecciones" not in html
    assert "<progress" not in html


# Quizzes


@pytest.fixture
def quiz_lesson(course):
    return make_lesson(
        course, "Evaluación de asambleas", quiz=two_question_quiz(), pass_mark=70
    )


def answers(lesson, picks):
    """POST data answering question n with choice picks[n] (an index)."""
    return {
        f"q-{question_id}": choice_ids[pick]
        for (question_id, choice_ids), pick in zip(quiz_ids(lesson), picks, strict=True)
    }


def submit(client, lesson, data):
    return client.post(lesson.url + "autoevaluacion/", data, follow=True)


def test_the_quiz_form_names_answers_by_question_and_choice_id(
    member_client, quiz_lesson
):
    html = html_of(member_client.get(quiz_lesson.url))

    for question_id, choice_ids in quiz_ids(quiz_lesson):
        for choice_id in choice_ids:
            assert (
                f'type="radio" name="q-{question_id}" id="c-{choice_id}" '
                f'value="{choice_id}"'
            ) in html
    assert f'action="{quiz_lesson.url}autoevaluacion/"' in html
    assert "2 preguntas; apruebas con 70% de respuestas correctas." in html


def test_the_quiz_never_shows_feedback_or_correct_answers_before_an_attempt(
    client, member, quiz_lesson
):
    anonymous = html_of(client.get(quiz_lesson.url))
    client.force_login(member)
    signed_in = html_of(client.get(quiz_lesson.url))

    for html in (anonymous, signed_in):
        for feedback in (
            "Así es: decide la comunidad reunida.",
            "No: el consejo es autónomo.",
            "Sí: la rendición de cuentas es continua.",
            "No: sin cuentas no hay confianza.",
        ):
            assert feedback not in html
        questions = html[html.index('<ol class="quiz__questions">') :]
        questions = questions[: questions.index("</ol>")]
        assert "correct" not in questions.lower()
        assert "checked" not in questions
        assert "todavía no" not in html.lower()
    # A right and a wrong choice are rendered exactly alike.
    (_question, (right, wrong)), _second = quiz_ids(quiz_lesson)
    right_html = re.search(
        rf'<div class="choice">\s*<input[^>]*value="{right}">.*?</div>', signed_in, re.S
    )[0]
    wrong_html = re.search(
        rf'<div class="choice">\s*<input[^>]*value="{wrong}">.*?</div>', signed_in, re.S
    )[0]
    assert right_html.replace(right, "X").replace("La asamblea", "T") == (
        wrong_html.replace(wrong, "X").replace("El presidente municipal", "T")
    )


def test_a_failed_attempt_is_stored_with_feedback_and_the_lesson_stays_open(
    member_client, member, quiz_lesson
):
    response = submit(member_client, quiz_lesson, answers(quiz_lesson, [0, 1]))

    html = html_of(response)
    attempt = QuizAttempt.objects.get(user=member, lesson=quiz_lesson)
    assert attempt.score == 50
    assert not attempt.passed
    assert response.redirect_chain[-1][0] == (
        f"{quiz_lesson.url}?intento={attempt.pk}#autoevaluacion"
    )
    assert (
        "Obtuviste 50%; necesitas 70%. Repasa la lección e inténtalo de nuevo." in html
    )
    assert "Obtuviste 50%. Inténtalo de nuevo." in html
    # Feedback on each question: the right one, and what was wrong in the other.
    results = html[html.index('<ol class="attempt__results">') :]
    results = " ".join(
        re.sub(r"<[^>]+>", " ", results[: results.index("</ol>")]).split()
    )
    assert "¿Quién toma los acuerdos en un consejo? ✓ Correcta" in results
    assert (
        "¿Cada cuánto se rinde cuentas? ✗ Todavía no "
        "Respondiste: Nunca No: sin cuentas no hay confianza." in results
    )
    # A failed attempt does not give away the right answer it missed.
    assert "Sí: la rendición de cuentas es continua." not in html
    assert not LessonCompletion.objects.filter(lesson=quiz_lesson).exists()
    assert "Completaste esta lección." not in html


def test_an_old_attempt_says_when_the_questions_changed_since(
    member_client, member, quiz_lesson
):
    response = submit(member_client, quiz_lesson, answers(quiz_lesson, [0, 0]))
    url = response.redirect_chain[-1][0]
    assert "Las preguntas cambiaron" not in html_of(response)

    quiz_lesson.quiz = two_question_quiz()  # rewritten: new ids, same texts
    quiz_lesson.save_revision().publish()

    html = html_of(member_client.get(url))
    assert "Aprobaste con 100%." in html
    assert "Las preguntas cambiaron después de este intento" in html


def test_failing_then_passing_completes_the_lesson(member_client, member, quiz_lesson):
    submit(member_client, quiz_lesson, answers(quiz_lesson, [1, 1]))
    response = submit(member_client, quiz_lesson, answers(quiz_lesson, [0, 0]))

    html = html_of(response)
    assert "Aprobaste con 100%. ¡Lección completada!" in html
    assert "Completaste esta lección." in html
    assert LessonCompletion.objects.filter(user=member, lesson=quiz_lesson).count() == 1
    scores = list(
        QuizAttempt.objects.filter(user=member, lesson=quiz_lesson)
        .order_by("created_at", "pk")
        .values_list("score", "passed")
    )
    assert scores == [(0, False), (100, True)]


def test_every_attempt_is_stored_even_after_passing(member_client, member, quiz_lesson):
    for picks in ([1, 1], [0, 1], [0, 0], [0, 0], [1, 0]):
        submit(member_client, quiz_lesson, answers(quiz_lesson, picks))

    attempts = QuizAttempt.objects.filter(user=member, lesson=quiz_lesson)
    assert attempts.count() == 5
    assert LessonCompletion.objects.filter(user=member, lesson=quiz_lesson).count() == 1
    stored = attempts.order_by("created_at", "pk").first().answers
    question_id, choice_ids = quiz_ids(quiz_lesson)[0]
    assert stored[question_id] == [choice_ids[1]]


def test_the_pass_mark_is_inclusive(member_client, member, course):
    lesson = make_lesson(course, "Media", quiz=two_question_quiz(), pass_mark=50)

    submit(member_client, lesson, answers(lesson, [0, 1]))

    assert QuizAttempt.objects.get(lesson=lesson).passed
    assert LessonCompletion.objects.filter(user=member, lesson=lesson).exists()


def test_a_question_with_several_right_answers_needs_all_of_them(
    member_client, member, course
):
    lesson = make_lesson(
        course,
        "Varias respuestas",
        quiz=quiz_data(
            (
                "¿Qué hace un consejo comunitario?",
                [
                    ("Convoca asambleas", True, "Sí."),
                    ("Rinde cuentas", True, "Sí."),
                    ("Vende los datos", False, "Nunca."),
                ],
            )
        ),
        pass_mark=100,
    )
    ((question_id, (first, second, wrong)),) = quiz_ids(lesson)

    html = html_of(member_client.get(lesson.url))
    member_client.post(lesson.url + "autoevaluacion/", {f"q-{question_id}": [first]})
    member_client.post(
        lesson.url + "autoevaluacion/", {f"q-{question_id}": [first, second, wrong]}
    )
    member_client.post(
        lesson.url + "autoevaluacion/", {f"q-{question_id}": [second, first]}
    )

    assert f'type="checkbox" name="q-{question_id}"' in html
    assert list(
        QuizAttempt.objects.order_by("created_at", "pk").values_list("score", flat=True)
    ) == [0, 0, 100]
    assert LessonCompletion.objects.filter(user=member, lesson=lesson).exists()


def test_passing_the_last_quiz_completes_the_course(
    member_client, member, course, quiz_lesson, certificate_media
):
    for lesson in lessons_of(course)[:3]:
        member_client.post(lesson.url + "completar/")
    assert Enrollment.objects.get(user=member).completed_at is None

    submit(member_client, quiz_lesson, answers(quiz_lesson, [0, 0]))

    assert Enrollment.objects.get(user=member).completed_at is not None
