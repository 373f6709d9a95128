"""Completing a course issues one constancia (PDF, and a notice on the
person's channel: the e-mail with the PDF attached, or a text with the
verification link), verifiable by anyone at /constancias/<code>/ and
downloadable by its owner. Celery runs eagerly in the unit suite; the task is
enqueued on commit."""

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from courses import services
from courses.models import Certificate, Enrollment, LessonCompletion
from notifications.models import Notice, Status
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import lessons_of, signed_in, text_of
from tests.courses.pdf_structure import assert_tagged
from tests.notifications import conftest as notices
from tests.notifications.conftest import consent, phone_person

pytestmark = pytest.mark.django_db

course = learning_fixtures.course
certificate_media = learning_fixtures.certificate_media
receiver, sms, clock = notices.receiver, notices.sms, notices.clock


@pytest.fixture
def member(make_user):
    """Lucía, with e-mail, who agreed to notices."""
    person = learning_fixtures.member.__wrapped__(make_user)
    consent(person)
    return person


@pytest.fixture
def complete_course(django_capture_on_commit_callbacks, certificate_media):
    """Study every lesson through HTTP, running what is enqueued on commit."""

    def complete(user, course):
        client = signed_in(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(course.url + "inscribirme/")
            for lesson in lessons_of(course):
                assert client.post(lesson.url + "completar/").status_code == 302
        return client

    return complete


@pytest.fixture
def issued(member, course, complete_course):
    client = complete_course(member, course)
    return client, Certificate.objects.get(user=member, course=course)


def spanish_date(moment):
    # Spanish writes month names in lower case: "23 de noviembre de 2026".
    return date_format(timezone.localtime(moment), "j \\d\\e F \\d\\e Y").lower()


def pdf_bytes(certificate):
    with certificate.file.open("rb") as handle:
        return handle.read()


def test_completing_every_lesson_completes_the_course(member, course, issued):
    enrollment = Enrollment.objects.get(user=member, course=course)

    assert enrollment.completed_at is not None
    assert LessonCompletion.objects.filter(user=member, course=course).count() == 3


def test_the_course_is_not_complete_while_a_lesson_is_missing(
    member, course, django_capture_on_commit_callbacks, certificate_media
):
    client = signed_in(member)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons_of(course)[:2]:
            client.post(lesson.url + "completar/")

    assert Enrollment.objects.get(user=member).completed_at is None
    assert not Certificate.objects.exists()
    assert mail.outbox == []


def test_one_constancia_is_issued_with_a_pdf(member, course, issued):
    _client, certificate = issued

    assert Certificate.objects.count() == 1
    assert certificate.person_name == "Lucía Méndez Ruiz"
    assert certificate.course_title == "Asambleas que deciden"
    assert certificate.axis_name == "Democracia participativa y directa"
    assert certificate.hours == 4
    assert certificate.is_valid
    assert len(certificate.code) >= 16
    assert certificate.issued_at == Enrollment.objects.get(user=member).completed_at
    assert pdf_bytes(certificate).startswith(b"%PDF")


def test_the_constancia_is_a_tagged_pdf(issued):
    _client, certificate = issued

    assert_tagged(pdf_bytes(certificate), title="Constancia · Asambleas que deciden")


def test_the_pdf_shows_name_course_axis_hours_date_and_verification_url(issued):
    _client, certificate = issued

    html = services.render_certificate_html(certificate)

    assert "Lucía Méndez Ruiz" in html
    assert "Asambleas que deciden" in html
    assert "Democracia participativa y directa" in html
    assert "4 horas de estudio" in html
    assert spanish_date(certificate.issued_at) in html
    assert f"http://testserver/constancias/{certificate.code}/" in html
    assert "lucia@example.org" not in html
    assert "5512345678" not in html


def test_codes_are_unguessable_and_distinct(course, make_user, complete_course):
    codes = set()
    for name in ("ana", "beto", "carla"):
        complete_course(make_user(name), course)
    codes = set(Certificate.objects.values_list("code", flat=True))

    assert len(codes) == 3
    for code in codes:
        assert len(code) >= 16
        assert not code.isdigit()


def test_the_constancia_is_e_mailed_with_the_pdf_attached(member, course, issued):
    _client, certificate = issued

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lucia@example.org"]
    assert message.subject == "Tu constancia: Asambleas que deciden"
    assert "Hola, Lucía Méndez Ruiz:" in message.body
    assert f"http://testserver/constancias/{certificate.code}/" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename == "constancia-asambleas-que-deciden.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None


def test_a_member_with_a_phone_gets_a_text_with_the_verification_link(
    course, complete_course, sms, clock
):
    member = phone_person("pedro", last_name="Ruiz")

    complete_course(member, course)

    certificate = Certificate.objects.get(user=member)
    assert pdf_bytes(certificate).startswith(b"%PDF")
    (text,) = sms.accepted
    assert f"http://testserver/constancias/{certificate.code}/" in text
    assert "Asambleas que deciden" in text
    assert mail.outbox == []
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None
    notice = Notice.objects.get(user=member)
    assert notice.kind == "constancia" and notice.status == Status.SENT


def test_the_task_run_twice_texts_once(course, complete_course, sms, clock):
    from courses.tasks import issue_certificate

    member = phone_person("pedro")
    complete_course(member, course)

    issue_certificate.delay(member.pk, course.pk).get()

    assert len(sms.accepted) == 1


def test_a_member_without_a_channel_gets_the_constancia_and_no_message(
    course, make_user, complete_course
):
    member = make_user("sin-correo", first_name="Pedro", phone="5512345678")
    consent(member)

    complete_course(member, course)

    certificate = Certificate.objects.get(user=member)
    assert pdf_bytes(certificate).startswith(b"%PDF")
    assert mail.outbox == []
    # Told once (the notice written); nobody to send it to: skipped, never
    # tried again by the reconciliation.
    assert certificate.emailed_at is not None
    assert Notice.objects.get(user=member).status == Status.SKIPPED


def test_without_consent_to_notices_nothing_is_sent(course, make_user, complete_course):
    member = make_user("sin-permiso", first_name="Eva", email="eva@example.org")

    complete_course(member, course)

    assert Certificate.objects.get(user=member).file
    assert mail.outbox == []
    assert Notice.objects.get(user=member).status == Status.SKIPPED


def test_issuing_again_never_makes_a_second_constancia_or_e_mail(
    member, course, issued
):
    _client, certificate = issued

    again = services.certificate_issue(user_id=member.pk, course_id=course.pk)
    services.certificate_issue(user_id=member.pk, course_id=course.pk)

    assert again.pk == certificate.pk
    assert again.code == certificate.code
    assert Certificate.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_task_run_again_is_idempotent(member, course, issued):
    from courses.tasks import issue_certificate

    _client, certificate = issued

    assert issue_certificate.delay(member.pk, course.pk).get() == certificate.code
    assert Certificate.objects.count() == 1
    assert len(mail.outbox) == 1


def test_completing_the_last_lesson_again_issues_nothing_new(
    member, course, issued, django_capture_on_commit_callbacks
):
    client, _certificate = issued

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(lessons_of(course)[-1].url + "completar/")

    assert callbacks == []
    assert Certificate.objects.count() == 1
    assert len(mail.outbox) == 1


def test_no_constancia_for_a_course_that_is_not_complete(member, course):
    Enrollment.objects.create(user=member, course=course)

    assert services.certificate_issue(user_id=member.pk, course_id=course.pk) is None
    assert not Certificate.objects.exists()


# Public verification


def test_anyone_can_verify_a_constancia_and_sees_only_what_it_shows(
    client, member, issued
):
    _owner, certificate = issued

    response = client.get(f"/constancias/{certificate.code}/")

    assert response.status_code == 200
    text = text_of(response)
    assert "Esta constancia es auténtica." in text
    assert "Lucía Méndez Ruiz" in text
    assert "Asambleas que deciden" in text
    assert "Democracia participativa y directa" in text
    assert "Horas de estudio 4 " in text
    assert spanish_date(certificate.issued_at) in text
    assert certificate.code in text
    html = response.content.decode()
    assert "lucia@example.org" not in html
    assert "5512345678" not in html
    assert ">lucia<" not in html
    assert "lucia" not in html.lower().replace("lucía", "")
    # It names her: search engines are asked not to index it.
    assert '<meta name="robots" content="noindex">' in html


def test_the_public_page_never_shows_the_username_even_without_a_name(
    client, course, make_user, complete_course
):
    """A member captured without a name must not have their sign-in username
    published on the constancia's public page."""
    member = make_user("usuario-secreto-77", phone="5512345678")
    complete_course(member, course)
    certificate = Certificate.objects.get(user=member)

    response = client.get(f"/constancias/{certificate.code}/")

    assert response.status_code == 200
    assert "usuario-secreto-77" not in response.content.decode()


def test_an_unknown_code_is_a_spanish_404(client):
    response = client.get("/constancias/no-existe-este-codigo/")

    assert response.status_code == 404
    assert (
        "Ninguna constancia tiene el código «no-existe-este-codigo»"
        in response.content.decode()
    )


def test_a_very_long_or_odd_code_is_a_404_not_an_error(client):
    assert client.get("/constancias/" + "x" * 500 + "/").status_code == 404
    response = client.get("/constancias/%3Cscript%3E/")
    assert response.status_code == 404
    assert "<script>" not in response.content.decode()


# Download of the PDF


def test_the_owner_downloads_the_pdf(member, issued):
    client, certificate = issued

    response = client.get(f"/constancias/{certificate.code}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "constancia-asambleas-que-deciden.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_member_cannot_download_it(make_user, issued):
    _client, certificate = issued

    response = signed_in(make_user("otra")).get(f"/constancias/{certificate.code}/pdf/")

    assert response.status_code == 404


def test_a_pdf_missing_from_storage_is_a_404_not_an_error(member, issued):
    client, certificate = issued
    certificate.file.storage.delete(certificate.file.name)

    response = client.get(f"/constancias/{certificate.code}/pdf/")

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, issued):
    _owner, certificate = issued

    response = client.get(f"/constancias/{certificate.code}/pdf/")

    assert response.status_code == 302
    assert response["Location"] == (
        f"/cuenta/entrar/?next=/constancias/{certificate.code}/pdf/"
    )
