"""A member's own data at /cuenta/mis-datos/: see it, correct it, change consent,
download it as JSON and delete the account (blocked, then anonymised)."""

import json
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from courses.models import (
    Certificate,
    Enrollment,
    LessonCompletion,
    QuizAttempt,
)
from members.models import AccessLog, ConsentRecord, Purpose, User
from tests.conftest import PASSWORD
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import (
    lessons_of,
    make_lesson,
    quiz_ids,
    text_of,
    two_question_quiz,
)

pytestmark = pytest.mark.django_db

course = learning_fixtures.course
certificate_media = learning_fixtures.certificate_media

MY_DATA = "/cuenta/mis-datos/"
EXPORT = MY_DATA + "exportar/"
DELETE = MY_DATA + "eliminar/"
CONSENTS = MY_DATA + "consentimientos/"
EDIT = MY_DATA + "editar/"


@pytest.fixture
def registered(client):
    """Lucía registers through the form, accepting notices but not phone calls."""
    response = client.post(
        "/cuenta/registro/",
        {
            "first_name": "Lucía",
            "last_name": "Méndez Ruiz",
            "username": "lucia",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "phone": "5512345678",
            "email": "lucia@example.org",
            "consent_necessary": "on",
            "consent_voluntary": ["avisos"],
        },
    )
    assert response.status_code == 302
    return client, User.objects.get(username="lucia")


@pytest.fixture
def learner(registered, course, django_capture_on_commit_callbacks, certificate_media):
    """Lucía has completed the course (constancia issued) and tried a quiz."""
    client, user = registered
    other = learning_fixtures.make_course("Contraloría ciudadana", axis_number=2)
    quiz_lesson = make_lesson(other, "Evaluación", quiz=two_question_quiz())
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons_of(course):
            client.post(lesson.url + "completar/")
        (qid, choices), (second, second_choices) = quiz_ids(quiz_lesson)
        client.post(
            quiz_lesson.url + "autoevaluacion/",
            {f"q-{qid}": choices[1], f"q-{second}": second_choices[1]},
        )
    assert Certificate.objects.filter(user=user).count() == 1
    mail.outbox.clear()
    return client, user


def latest_consents(user):
    return {
        purpose: record.granted
        for purpose, record in ConsentRecord.objects.current_for(user).items()
    }


# Seeing every datum


def test_my_data_requires_signing_in(client):
    response = client.get(MY_DATA)

    assert response.status_code == 302
    assert response["Location"] == f"/cuenta/entrar/?next={MY_DATA}"


def test_my_data_shows_the_profile_and_the_consents(registered):
    client, _user = registered

    response = client.get(MY_DATA)

    text = text_of(response)
    assert response.status_code == 200
    assert "Mis datos" in text
    assert "Nombre de usuario lucia" in text
    assert "Lucía" in text and "Méndez Ruiz" in text
    assert "5512345678" in text
    assert "lucia@example.org" in text
    assert f"{Purpose.NECESSARY.label} — otorgado" in text
    assert f"{Purpose.NOTICES.label} — otorgado" in text
    assert f"{Purpose.COUNCIL_CONTACT.label} — no otorgado" in text
    assert "En línea" in text


def test_my_data_shows_the_learning_records(learner):
    client, _user = learner

    text = text_of(client.get(MY_DATA))

    assert "Inscripciones" in text
    assert "Lecciones completadas" in text
    assert "Qué es un consejo" in text
    assert "Intentos de autoevaluación" in text
    assert "Constancias" in text
    assert "Asambleas que deciden" in text


def test_my_data_reads_as_words_not_as_the_download(learner):
    """Dates in words in the site's time zone, labels for codes, yes or no; the
    quiz's raw answers are left to the download."""
    from django.utils import timezone

    client, user = learner
    enrolled = timezone.localtime(user.enrollments.earliest("enrolled_at").enrolled_at)

    response = client.get(MY_DATA)
    text = text_of(response)

    months = "enero febrero marzo abril mayo junio julio agosto septiembre octubre"
    month = (months + " noviembre diciembre").split()[enrolled.month - 1]
    assert f"Inscripción: {enrolled.day} de {month} de {enrolled.year} a las" in text
    assert "Forma: En línea" in text
    assert "Aprobada: no" in text
    assert "Válida: sí" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "an ISO date is shown"
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", text), "a numeric date is shown"
    assert "en_linea" not in text and "True" not in text and "False" not in text
    assert "respuestas" not in text


def test_every_exported_field_has_a_label_on_the_page(learner, make_user):
    from django.utils import timezone

    from councils.cadres.services import mentor_note_add, mentorship_pair
    from councils.factories import assign, join, make_council
    from councils.models import Attendance, ConstitutionRequest, Meeting, MeetingKind
    from members import registry

    _client, user = learner
    council = make_council()
    leader = make_user("lider")
    join(leader, council)
    assign(leader, "coordinador-de-consejo", council=council)
    join(user, council)
    assign(user, "promotor-comunitario", council=council)
    mentorship = mentorship_pair(
        council=council, actor=leader, mentee_id=user.pk, mentor_id=leader.pk
    )
    mentor_note_add(mentorship=mentorship, met_on=timezone.localdate(), text="Bien")
    meeting = Meeting.objects.create(
        council=council,
        kind=MeetingKind.ORDINARY,
        starts_at=timezone.now(),
        duration_minutes=60,
    )
    Attendance.objects.create(meeting=meeting, user=user)
    ConstitutionRequest.objects.create(
        requester=user,
        proposed_name="Consejo Nuevo",
        state=council.get_parent().specific.state,
        assembly_on=timezone.localdate(),
        assembly_place="Casa ejidal",
    )

    shown = 0
    for section in registry.sections():
        data = section.export(user)
        lists = data.values() if isinstance(data, dict) else [data]
        for rows in lists:
            for row in rows:
                unlabelled = set(row) - set(section.fields) - set(section.download_only)
                assert not unlabelled, f"{section.key}: {unlabelled}"
                shown += 1
    assert shown >= 12


# Rectification


def test_the_profile_form_is_prefilled(registered):
    client, _user = registered

    html = client.get(EDIT).content.decode()

    assert 'value="Lucía"' in html
    assert 'value="5512345678"' in html
    assert 'value="lucia@example.org"' in html


def test_a_member_corrects_their_data(registered):
    client, user = registered

    response = client.post(
        EDIT,
        {
            "first_name": "Lucía Guadalupe",
            "last_name": "Méndez",
            "phone": "+52 55 8765 4321",
            "email": "",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == MY_DATA
    assert "Tus datos se actualizaron." in response.content.decode()
    user.refresh_from_db()
    assert user.first_name == "Lucía Guadalupe"
    assert user.last_name == "Méndez"
    assert user.phone == "+52 55 8765 4321"
    assert user.email == ""


def test_a_bad_phone_is_refused_in_spanish_and_nothing_changes(registered):
    client, user = registered

    response = client.post(
        EDIT,
        {"first_name": "Otra", "last_name": "", "phone": "llámame", "email": ""},
    )

    assert response.status_code == 200
    assert (
        "Escribe un teléfono de 10 dígitos con lada; puede empezar con +52."
        in response.content.decode()
    )
    user.refresh_from_db()
    assert user.first_name == "Lucía"
    assert user.phone == "5512345678"


def test_an_over_long_name_is_refused_when_correcting(registered):
    client, user = registered

    response = client.post(
        EDIT, {"first_name": "A" * 151, "last_name": "", "phone": "", "email": ""}
    )

    assert response.status_code == 200
    assert "como máximo 150 caracteres" in response.content.decode()
    user.refresh_from_db()
    assert user.first_name == "Lucía"


def test_the_username_cannot_be_changed_through_the_profile_form(registered):
    client, user = registered

    client.post(
        EDIT,
        {
            "first_name": "Lucía",
            "last_name": "",
            "phone": "",
            "email": "",
            "username": "admin",
            "is_staff": "on",
        },
    )

    user.refresh_from_db()
    assert user.username == "lucia"
    assert not user.is_staff


# Consent


def test_withdrawing_a_voluntary_consent_adds_a_record(registered):
    client, user = registered
    before = ConsentRecord.objects.filter(user=user).count()

    response = client.post(CONSENTS, {}, follow=True)

    assert "Se guardaron tus decisiones de consentimiento." in response.content.decode()
    new = ConsentRecord.objects.filter(user=user).order_by("-pk")
    assert new.count() == before + 1
    withdrawal = new.first()
    assert withdrawal.purpose == Purpose.NOTICES
    assert withdrawal.granted is False
    assert latest_consents(user) == {
        Purpose.NECESSARY: True,
        Purpose.NOTICES: False,
        Purpose.COUNCIL_CONTACT: False,
    }
    # The history is kept: the original grant is still there.
    assert ConsentRecord.objects.filter(
        user=user, purpose=Purpose.NOTICES, granted=True
    ).exists()


def test_granting_and_changing_nothing(registered):
    client, user = registered

    client.post(CONSENTS, {"voluntary": ["avisos", "contacto"]})
    count = ConsentRecord.objects.filter(user=user).count()
    response = client.post(CONSENTS, {"voluntary": ["avisos", "contacto"]}, follow=True)

    assert latest_consents(user)[Purpose.COUNCIL_CONTACT] is True
    assert ConsentRecord.objects.filter(user=user).count() == count
    assert "No cambió nada." in response.content.decode()


@pytest.mark.parametrize(
    "tampered",
    [["necesario"], ["avisos", "necesario"], ["otra-cosa"]],
)
def test_the_necessary_purpose_cannot_be_withdrawn_through_the_form(
    registered, tampered
):
    client, user = registered
    before = list(ConsentRecord.objects.filter(user=user).values_list("pk", flat=True))

    response = client.post(CONSENTS, {"voluntary": tampered}, follow=True)

    assert "Esa opción no es válida; no se cambió nada." in response.content.decode()
    after = list(ConsentRecord.objects.filter(user=user).values_list("pk", flat=True))
    assert after == before
    assert latest_consents(user)[Purpose.NECESSARY] is True


def test_the_consent_form_has_no_necessary_box(registered):
    client, _user = registered

    html = client.get(MY_DATA).content.decode()
    form = html[html.index('action="/cuenta/mis-datos/consentimientos/"') :]
    form = form[: form.index("</form>")]

    assert 'value="necesario"' not in form
    assert 'value="avisos"' in form and 'value="contacto"' in form


def test_a_get_does_not_change_consent(registered):
    client, user = registered
    count = ConsentRecord.objects.filter(user=user).count()

    assert client.get(CONSENTS).status_code == 405
    assert ConsentRecord.objects.filter(user=user).count() == count


# Export


def test_the_export_downloads_everything_as_json(learner):
    client, user = learner

    response = client.post(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="mis-datos-'
    )
    data = json.loads(response.content.decode("utf-8"))
    for key in (
        "perfil",
        "consentimientos",
        "inscripciones",
        "lecciones",
        "autoevaluaciones",
        "constancias",
    ):
        assert key in data
    assert data["perfil"]["usuario"] == "lucia"
    assert data["perfil"]["nombre"] == "Lucía"
    assert data["perfil"]["telefono"] == "5512345678"
    assert data["perfil"]["correo"] == "lucia@example.org"
    assert len(data["consentimientos"]) == 3
    assert {row["finalidad"] for row in data["consentimientos"]} == {
        "necesario",
        "avisos",
        "contacto",
    }
    assert {row["curso"] for row in data["inscripciones"]} == {
        "Asambleas que deciden",
        "Contraloría ciudadana",
    }
    assert len(data["lecciones"]) == 3
    assert len(data["autoevaluaciones"]) == 1
    assert data["autoevaluaciones"][0]["aprobada"] is False
    (certificate,) = data["constancias"]
    assert certificate["codigo"] == Certificate.objects.get(user=user).code
    assert certificate["valida"] is True


def test_the_export_is_logged(registered):
    client, user = registered

    client.post(EXPORT)

    log = AccessLog.objects.get()
    assert log.actor == user
    assert log.action == AccessLog.Action.EXPORT
    assert log.scope == f"user:{user.pk}"


def test_the_export_refuses_a_get(registered):
    client, _user = registered

    response = client.get(EXPORT)

    assert response.status_code == 405
    assert not AccessLog.objects.exists()


def test_the_export_needs_signing_in(client):
    response = client.post(EXPORT)

    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/entrar/")
    assert not AccessLog.objects.exists()


def test_the_export_refuses_a_missing_csrf_token(registered):
    _client, user = registered
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.post(EXPORT).status_code == 403
    assert not AccessLog.objects.exists()


# Account deletion


def test_the_delete_page_asks_for_the_password(registered):
    client, _user = registered

    html = client.get(DELETE).content.decode()

    assert "Eliminar mi cuenta" in html
    assert "Tu contraseña, para confirmar" in html
    assert 'type="password"' in html


def test_a_wrong_password_deletes_nothing(learner):
    client, user = learner

    response = client.post(DELETE, {"password": "no-es-esta"})

    assert response.status_code == 200
    assert "La contraseña no es correcta." in response.content.decode()
    user.refresh_from_db()
    assert user.is_active
    assert user.username == "lucia"
    assert user.anonymised_at is None
    assert Certificate.objects.get(user=user).is_valid
    assert not AccessLog.objects.exists()


def test_deleting_the_account_blocks_and_anonymises_the_person(learner):
    client, user = learner
    certificate = Certificate.objects.get(user=user)
    completions = LessonCompletion.objects.count()
    enrollments = Enrollment.objects.count()
    attempts = QuizAttempt.objects.count()

    response = client.post(DELETE, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[0][0] == "/"
    assert "Tu cuenta se eliminó. No queda nada que te identifique." in (
        response.content.decode()
    )
    user.refresh_from_db()
    assert not user.is_active
    assert user.anonymised_at is not None
    assert user.username.startswith("eliminada-")
    assert "lucia" not in user.username
    assert user.first_name == user.last_name == ""
    assert user.email == "" and user.phone == ""
    assert not user.has_usable_password()
    assert not User.objects.filter(username="lucia").exists()
    assert not User.objects.filter(first_name="Lucía").exists()
    # Signed out, and cannot sign in again.
    assert SESSION_KEY not in client.session
    assert client.get(MY_DATA).status_code == 302
    assert not Client().login(username="lucia", password=PASSWORD)
    assert not Client().login(username=user.username, password=PASSWORD)
    # Aggregate counts stay correct.
    assert LessonCompletion.objects.count() == completions == 3
    assert Enrollment.objects.count() == enrollments
    assert QuizAttempt.objects.count() == attempts
    # The constancia is revoked and no longer names the person.
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.person_name == ""
    assert not certificate.file
    log = AccessLog.objects.get(action=AccessLog.Action.DELETE)
    assert log.scope == f"user:{user.pk}"


def test_a_deleted_account_s_constancia_no_longer_verifies(learner):
    client, user = learner
    code = Certificate.objects.get(user=user).code

    client.post(DELETE, {"password": PASSWORD})
    response = Client().get(f"/constancias/{code}/")

    text = text_of(response)
    assert "Esta constancia ya no es válida: su titular eliminó su cuenta." in text
    assert "Esta constancia es auténtica." not in text
    assert "Lucía" not in text
    assert "Méndez" not in text


def test_a_deleted_account_s_constancia_cannot_be_downloaded_or_reissued(learner):
    from courses import services

    client, user = learner
    certificate = Certificate.objects.get(user=user)

    client.post(DELETE, {"password": PASSWORD})

    assert (
        services.certificate_issue(user_id=user.pk, course_id=certificate.course_id)
        is None
    )
    certificate.refresh_from_db()
    assert certificate.person_name == ""
    assert Certificate.objects.count() == 1
    assert mail.outbox == []


def test_deleting_the_account_ends_its_other_sessions(registered):
    client, user = registered
    phone = Client()
    phone.force_login(user)
    assert phone.get(MY_DATA).status_code == 200

    client.post(DELETE, {"password": PASSWORD})

    assert phone.get(MY_DATA).status_code == 302


def test_deleting_needs_a_post_with_a_csrf_token(registered):
    _client, user = registered
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.is_active


# The access log is append-only


def test_access_log_entries_cannot_be_changed_or_deleted(registered):
    client, _user = registered
    client.post(EXPORT)
    log = AccessLog.objects.get()

    log.detail = "borrado"
    with pytest.raises(ValueError):
        log.save()
    with pytest.raises(ValueError):
        log.delete()

    log = AccessLog.objects.get()
    assert log.detail == "own data"


# The whole journey, end to end through HTTP


def test_register_study_pass_verify_export_and_delete(
    client, course, django_capture_on_commit_callbacks, certificate_media
):
    quiz_lesson = make_lesson(course, "Evaluación final", quiz=two_question_quiz())
    (q1, (right1, wrong1)), (q2, (right2, _wrong2)) = quiz_ids(quiz_lesson)
    client.post(
        "/cuenta/registro/",
        {
            "first_name": "Rosa",
            "last_name": "Pérez",
            "username": "rosa",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "email": "rosa@example.org",
            "consent_necessary": "on",
            # The constancia's e-mail is a notice: sent under this consent.
            "consent_voluntary": ["avisos"],
        },
    )
    user = User.objects.get(username="rosa")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(course.url + "inscribirme/")
        for lesson in lessons_of(course)[:3]:
            client.post(lesson.url + "completar/")
        failed = client.post(
            quiz_lesson.url + "autoevaluacion/",
            {f"q-{q1}": wrong1, f"q-{q2}": right2},
            follow=True,
        )
        assert not Certificate.objects.exists()
        passed = client.post(
            quiz_lesson.url + "autoevaluacion/",
            {f"q-{q1}": right1, f"q-{q2}": right2},
            follow=True,
        )

    assert "Obtuviste 50%; necesitas 70%" in failed.content.decode()
    assert "Aprobaste con 100%. ¡Lección completada!" in passed.content.decode()
    assert Enrollment.objects.get(user=user).completed_at is not None
    certificate = Certificate.objects.get(user=user)
    assert len(mail.outbox) == 1
    verified = text_of(Client().get(f"/constancias/{certificate.code}/"))
    assert "Esta constancia es auténtica." in verified
    assert "Rosa Pérez" in verified

    exported = json.loads(client.post(EXPORT).content)
    assert exported["perfil"]["usuario"] == "rosa"
    assert len(exported["lecciones"]) == 4
    assert [row["aprobada"] for row in exported["autoevaluaciones"]] == [False, True]
    assert exported["constancias"][0]["codigo"] == certificate.code

    client.post(DELETE, {"password": PASSWORD})

    user.refresh_from_db()
    assert user.username.startswith("eliminada-") and not user.is_active
    assert LessonCompletion.objects.filter(user=user).count() == 4
    revoked = text_of(Client().get(f"/constancias/{certificate.code}/"))
    assert "ya no es válida" in revoked
    assert "Rosa" not in revoked


def test_a_mentee_sees_who_accompanies_them_and_the_notes_about_them(make_user):
    from django.utils import timezone

    from councils.cadres.services import mentor_note_add, mentorship_pair
    from councils.factories import assign, join, make_council

    council = make_council()
    leader = make_user("lider")
    join(leader, council)
    assign(leader, "coordinador-de-consejo", council=council)
    mentor = make_user("mentora", first_name="Guadalupe", last_name="Ibarra")
    mentee = make_user("aprendiz", first_name="Tomás")
    join(mentor, council)
    join(mentee, council)
    mentorship = mentorship_pair(
        council=council, actor=leader, mentee_id=mentee.pk, mentor_id=mentor.pk
    )
    mentor_note_add(
        mentorship=mentorship,
        met_on=timezone.localdate(),
        text="Preparó la asamblea del barrio",
    )
    client = Client()
    client.force_login(mentee)

    page = text_of(client.get(MY_DATA))

    assert "Quién me acompaña" in page
    assert "Guadalupe Ibarra" in page
    assert "Notas sobre mí" in page
    assert "Preparó la asamblea del barrio" in page
