"""Journey: studying offline (#23). A member saves a course on her phone, loses
the signal, reads three lessons, marks one as studied and answers a quiz; back
online, /mi-formacion/ shows both, recorded once. On the same phone, the next
person who signs in sees nothing of hers: neither her saved pages nor her
queue. Chromium runs the site's own service worker; the context goes offline
with Playwright's ``set_offline``."""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from councils.factories import join
from courses.factories import lesson_body
from courses.models import CompletionSource, Enrollment, LessonCompletion, QuizAttempt
from tests.conftest import PASSWORD
from tests.courses.learning_fixtures import make_course, make_lesson

from .conftest import e2e, main_text, sign_in
from .data import RIGHT, council_with_leader, person, quiz

pytestmark = e2e


@pytest.fixture
def course(db, media):
    course = make_course("Asambleas que deciden", axis_number=1, hours=2)
    make_lesson(course, "Qué es un consejo")
    make_lesson(course, "Tomar acuerdos", quiz=quiz(), pass_mark=100)
    make_lesson(course, "La voz de cada quien")
    make_lesson(course, "Del acuerdo a la acción")
    return course


@pytest.fixture
def members(course):
    council, _leader = council_with_leader()
    lucia = person("lucia", first_name="Lucía")
    marta = person("marta", first_name="Marta")
    for member in (lucia, marta):
        join(member, council)
        Enrollment.objects.create(user=member, course=course)
    return lucia, marta


def save_course(page, course):
    page.goto(course.url)
    # The worker is installed once the page has loaded; the next page is its.
    page.reload()
    box = page.locator("[data-save-course]")
    expect(box).to_be_visible()
    box.get_by_role("button", name="Guardar para estudiar sin conexión").click()
    expect(box.get_by_role("status")).to_contain_text("Guardado en este teléfono")


def offline_notice(page):
    return page.locator("[data-offline-note]")


def test_a_member_studies_offline_and_what_she_did_counts_once_back_online(
    context, page, course, members
):
    lucia, _marta = members
    first, with_quiz, third, _fourth = course.lessons()
    sign_in(page, "lucia", PASSWORD)
    save_course(page, course)

    context.set_offline(True)
    # Three lessons read without signal, from one to the next.
    page.goto(first.url)
    expect(page.locator("h1")).to_have_text(first.title)
    page.get_by_role("link", name=with_quiz.title).click()
    expect(page.locator("h1")).to_have_text(with_quiz.title)
    page.get_by_role("link", name=third.title).click()
    expect(page.locator("h1")).to_have_text(third.title)

    # Marked as studied, kept on the phone.
    page.goto(first.url)
    page.get_by_role("button", name="Marcar como estudiada").click()
    expect(offline_notice(page)).to_contain_text("1 actividad guardada")
    page.goto(first.url)
    expect(page.locator("main")).to_contain_text(
        "Marcada como estudiada en este teléfono"
    )
    # A quiz answered offline.
    page.goto(with_quiz.url)
    page.get_by_label(RIGHT).check()
    page.get_by_role("button", name="Revisar mis respuestas").click()
    expect(page.locator("main")).to_contain_text(
        "Tus respuestas quedaron guardadas en este teléfono"
    )
    expect(offline_notice(page)).to_contain_text("2 actividades guardadas")
    # A page not saved: the offline page, listing what is.
    page.goto("/consejos/")
    expect(page.locator("h1")).to_have_text("Sin conexión")
    expect(page.locator("[data-saved-list]")).to_contain_text(course.title)
    assert not LessonCompletion.objects.filter(user=lucia).exists()

    context.set_offline(False)
    page.goto("/mi-formacion/")
    expect(offline_notice(page)).to_contain_text("Se envió lo que hiciste sin conexión")
    text = main_text(page)
    assert "2 de 4 lecciones" in text
    completions = LessonCompletion.objects.filter(user=lucia)
    assert sorted(completions.values_list("lesson_id", flat=True)) == sorted(
        [first.pk, with_quiz.pk]
    )
    assert set(completions.values_list("source", flat=True)) == {
        CompletionSource.OFFLINE
    }
    attempts = QuizAttempt.objects.filter(user=lucia)
    assert attempts.count() == 1
    assert attempts.get().passed and attempts.get().source == CompletionSource.OFFLINE
    # The next pages send nothing again.
    page.goto(first.url)
    page.goto("/mi-formacion/")
    assert LessonCompletion.objects.filter(user=lucia).count() == 2
    assert QuizAttempt.objects.filter(user=lucia).count() == 1
    expect(page.locator("[data-saved-list]")).to_contain_text(course.title)


def test_the_next_person_on_the_same_phone_sees_nothing_of_the_first(
    context, page, course, members
):
    lucia, marta = members
    first = course.lessons()[0]
    sign_in(page, "lucia", PASSWORD)
    save_course(page, course)
    # Lucía marks a lesson offline and hands the phone over without signing out.
    context.set_offline(True)
    page.goto(first.url)
    page.get_by_role("button", name="Marcar como estudiada").click()
    expect(offline_notice(page)).to_contain_text("1 actividad guardada")
    # Her session ends (the cookie is gone) before the signal comes back.
    context.clear_cookies()
    context.set_offline(False)

    page.goto("/cuenta/entrar/")
    expect(page.locator("[data-pending-queue]")).to_be_visible()
    sign_in(page, "marta", PASSWORD)
    page.goto("/mi-formacion/")
    expect(page.locator("[data-saved-empty]")).to_be_visible()
    expect(page.locator("[data-saved-list] li")).to_have_count(0)
    expect(offline_notice(page)).to_be_hidden()
    marta_key = page.locator('meta[name="cococi-dueno"]').get_attribute("content")
    personal = [n for n in page.evaluate("caches.keys()") if n.startswith("cococi-u-")]
    assert all(name.startswith(f"cococi-u-{marta_key}-") for name in personal)
    # Her saved lesson is not shown to Marta offline.
    context.set_offline(True)
    page.goto(first.url)
    expect(page.locator("h1")).to_have_text("Sin conexión")
    context.set_offline(False)
    # Nothing of Lucía's was sent under Marta's account; it went with the
    # rest of Lucía's data on this phone when Marta signed in.
    assert not LessonCompletion.objects.filter(user=marta).exists()
    assert not LessonCompletion.objects.filter(user=lucia).exists()


def test_signing_out_leaves_nothing_saved_on_the_phone(context, page, course, members):
    first = course.lessons()[0]
    sign_in(page, "lucia", PASSWORD)
    save_course(page, course)
    page.goto("/cuenta/salir/")
    page.get_by_role("button", name="Salir ahora").click()
    page.wait_for_load_state()
    names = page.evaluate("caches.keys()")
    assert not [name for name in names if name.startswith("cococi-u-")]
    context.set_offline(True)
    # No worker left, or no saved page: either way, not her lesson.
    try:
        page.goto(first.url)
    except PlaywrightError:
        pass
    page.wait_for_load_state()
    expect(page.get_by_text(first.title)).to_have_count(0)
    context.set_offline(False)


@pytest.mark.parametrize("screen", ["telefono"])
def test_a_lesson_republished_is_refreshed_on_the_phone_at_the_next_visit_online(
    context, page, course, members
):
    first = course.lessons()[0].specific
    sign_in(page, "lucia", PASSWORD)
    save_course(page, course)
    first.body = lesson_body("Texto nuevo: la asamblea decide y el consejo cumple.")
    first.save_revision().publish()

    # Any page online brings the saved course up to date (only what changed).
    page.goto("/mi-formacion/")
    page.wait_for_load_state("networkidle")
    context.set_offline(True)
    page.goto(first.url)
    expect(page.locator("main")).to_contain_text("la asamblea decide y el consejo")
    context.set_offline(False)


@pytest.mark.parametrize("screen", ["telefono"])
def test_a_form_of_another_site_is_not_kept_for_her_offline(
    context, page, course, members, live_server
):
    """Another site's page, submitting a forged "mark as studied" to this one
    while the phone has no signal, is not kept to be sent later with her
    token: online, the server's CSRF check would have refused it."""
    lucia, _marta = members
    first = course.lessons()[0]
    sign_in(page, "lucia", PASSWORD)
    save_course(page, course)
    # A page of no site of ours, its form aimed at her lesson.
    page.goto("about:blank")
    target = f"{live_server.url}{first.url}completar/"
    page.set_content(f'<form method="post" action="{target}"></form>')
    context.set_offline(True)
    page.evaluate("document.forms[0].submit()")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Sin conexión")
    context.set_offline(False)
    page.goto(f"{live_server.url}/mi-formacion/")
    page.wait_for_load_state("networkidle")
    assert not LessonCompletion.objects.filter(user=lucia).exists()
    expect(page.locator("[data-offline-note]")).to_be_hidden()


def test_a_saved_lesson_is_shown_while_the_site_does_not_answer(
    context, page, course, members
):
    """During a deploy or a database outage nginx answers 502-504: for a
    lesson she saved, that is as good as offline, not an error page."""
    first, second = course.lessons()[:2]
    sign_in(page, "lucia", PASSWORD)
    save_course(page, course)

    def site_down(route):
        route.fulfill(status=502, body="<h1>El sitio no responde</h1>")

    context.route("**/cursos/**", site_down)
    page.goto(first.url)
    expect(page.locator("h1")).to_have_text(first.title)
    context.unroute("**/cursos/**")
    page.goto(second.url)
    expect(page.locator("h1")).to_have_text(second.title)
