"""What the hostile-input suite (``test_hostile_input_*.py``) shares: the
payloads, the world it attacks and small helpers.

The world is the permission matrix's (``tests/trust/people.py``: councils A and
B in two states, their members, leaders, mentors, coordinators, an editor,
national coordination and a superuser) plus what hostile input needs: known
passwords, a course with a plain lesson and a quiz, a member registered without
internet with a one-time code, an account with two-step verification and a
closed assembly of A that can endorse a role. It is built once per module (see
``conftest.py``); every test runs in a savepoint rolled back afterwards.
"""

import io
import struct
import zlib
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image as PILImage

from councils.cadres.progress import progress_catch_up
from councils.factories import make_person
from councils.models import Meeting, MeetingKind
from councils.services.membership import member_register_offline
from members import security
from members.views import SETUP_SESSION_KEY
from tests.conftest import PASSWORD
from tests.courses.learning_fixtures import (
    make_course,
    make_lesson,
    quiz_ids,
    two_question_quiz,
)
from tests.trust import people

# Both kinds of stored XSS in one value: breaking out of an attribute and a
# script element. Short enough for every name field (150 characters).
PAYLOAD = '"><img src=x onerror=alert(1)><script>alert(1)</script>'
# What must never reach a page as markup.
RAW_MARKUP = ("<script>alert(1)", "<img src=x onerror")
NEW_PASSWORD = "otra-contraseña-muy-larga-456"
SESSION_COOKIE = settings.SESSION_COOKIE_NAME


def assert_escaped(html, *, shown=True):
    """The payload is not markup in ``html``; with ``shown``, it is there as text."""
    for raw in RAW_MARKUP:
        assert raw not in html, f"{raw!r} unescaped"
    if shown:
        assert escape(PAYLOAD) in html, "the payload is not shown as text"


def assert_plain_text(message, text):
    """A plain-text e-mail carries ``text`` as typed: no HTML entities, and no
    HTML part where it would be markup."""
    assert text in message.subject + message.body
    for entity in ("&lt;", "&gt;", "&quot;", "&#x27;", "&amp;"):
        assert entity not in message.subject + message.body
    assert not getattr(message, "alternatives", [])


def rename(client, email=""):
    """The signed-in person types the payload as their name and surname."""
    response = client.post(
        reverse("members:profile_edit"),
        {"first_name": PAYLOAD, "last_name": PAYLOAD, "phone": "", "email": email},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def client_for(world, person, *, csrf=False):
    """A browser signed in as ``person`` (a key of ``world.sessions``; None for
    anonymous). With ``csrf`` it checks CSRF tokens as a real browser session
    does, and holds a CSRF cookie, as the victim's browser would."""
    client = Client(enforce_csrf_checks=csrf)
    if person is not None:
        client.cookies[SESSION_COOKIE] = world.sessions[person]
    if csrf:
        client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    return client


def session_exists(world, person):
    return Session.objects.filter(session_key=world.sessions[person]).exists()


def media_files(world):
    """Every file under the world's public and private media folders."""
    return sorted(str(path) for path in Path(world.media).rglob("*") if path.is_file())


def totp_now(device):
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


# Images that lie about themselves.


def png_bytes(width=40, height=30):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def png_declaring(width, height):
    """A tiny PNG whose header declares ``width`` × ``height`` pixels: opening
    it would ask for gigabytes (a decompression bomb)."""
    buffer = io.BytesIO()
    PILImage.new("L", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    header = bytearray(data[16:29])  # IHDR's data, after signature, length, type
    header[0:8] = struct.pack(">II", width, height)
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(header)))
    return bytes(data)


def gif_declaring(width, height):
    """A tiny GIF whose screen and frame declare ``width`` × ``height``."""
    buffer = io.BytesIO()
    PILImage.new("P", (1, 1)).save(buffer, format="GIF")
    data = bytearray(buffer.getvalue())
    data[6:10] = struct.pack("<HH", width, height)  # logical screen
    frame = data.index(b",")  # the image descriptor
    data[frame + 5 : frame + 9] = struct.pack("<HH", width, height)
    return bytes(data)


@cache
def real_bomb():
    """A valid PNG of 10,000 × 10,000 pixels (100 million) in a few kilobytes."""
    buffer = io.BytesIO()
    PILImage.new("1", (10_000, 10_000)).save(buffer, format="PNG")
    return buffer.getvalue()


@cache
def noisy_png():
    """A real PNG whose pixels do not compress away: its data is long."""
    noise = bytes(range(256)) * (300 * 200 * 3 // 256 + 1)
    buffer = io.BytesIO()
    PILImage.frombytes("RGB", (300, 200), noise[: 300 * 200 * 3]).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def truncated_png():
    """A PNG cut in half: its signature and header are sound, its data ends."""
    data = noisy_png()
    return data[: len(data) // 2]


def corrupt_png():
    """A PNG of the right length whose compressed pixels are garbled."""
    data = bytearray(noisy_png())
    start = data.index(b"IDAT") + 16
    data[start : start + 64] = bytes(byte ^ 0xFF for byte in data[start : start + 64])
    return bytes(data)


NOT_AN_IMAGE = b"<html><body>not a picture</body></html>\n" * 4


# The world.


def build_world():
    world = people.build_world()
    member = world.member
    world.leader_a = world.people["leader-A"]
    for user in (member, world.member_b, world.leader_a):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    world.applicant = world.pending_a.user
    world.applicant.email = "griselda@example.org"
    world.applicant.save(update_fields=["email"])
    world.leader_a.email = "leocadia@example.org"
    world.leader_a.save(update_fields=["email"])

    # A course to enrol in: a lesson to complete, a quiz to submit.
    world.course_b = make_course("Economía solidaria", axis_number=2, hours=2)
    world.lesson = make_lesson(world.course_b, "Qué es una cooperativa")
    world.quiz_lesson = make_lesson(
        world.course_b, "Autoevaluación", quiz=two_question_quiz()
    )
    world.quiz_answers = {
        f"q-{question}": choices[0] for question, choices in quiz_ids(world.quiz_lesson)
    }

    # Registered by A's leaders without internet, with a one-time code.
    world.offline, world.offline_code = member_register_offline(
        council=world.council_a,
        actor=world.leader_a,
        first_name="Petra",
        last_name="Solis",
        phone="",
        email="",
        voluntary_purposes=[],
    )

    # An account with two-step verification and its recovery codes.
    world.guarded = make_person("custodia", first_name="Custodia", last_name="Pinto")
    device = TOTPDevice.objects.create(
        user=world.guarded, name=security.APP_DEVICE, confirmed=True
    )
    world.guarded_device = device
    world.recovery_codes = security.recovery_codes_issue(world.guarded)

    # A closed assembly of A with its acta: what endorses a role.
    world.closed_assembly = Meeting.objects.create(
        council=world.council_a,
        kind=MeetingKind.ORDINARY,
        title="Asamblea de elección",
        starts_at=timezone.now() - timedelta(days=20),
        duration_minutes=90,
        acta=world.acta_a,
        closed_at=timezone.now() - timedelta(days=19),
    )

    world.people.update(offline=world.offline, guarded=world.guarded)
    progress_catch_up()  # and with what was added here
    return world


def verified_session(client, device):
    """Mark the client's session as having passed the second step with ``device``."""
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def device_being_set_up(world, person):
    """The authenticator device the setup page made for ``person``'s session:
    only that session is shown its key, and only it can confirm it."""
    session = SessionStore(session_key=world.sessions[person])
    return TOTPDevice.objects.get(pk=session[SETUP_SESSION_KEY]["device"])


def confirmed_app_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).count()


def snapshot():
    """What people can change, to prove a refused request changed nothing:
    row counts, and the fields forged requests aim at (not the access log,
    nor the progress rows that a read refreshes)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_static.models import StaticToken
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Revision

    from councils.models import (
        Attendance,
        ConstitutionRequest,
        CouncilPage,
        DigestOptOut,
        Membership,
        MentorNote,
        Mentorship,
        MentorSignOff,
        RoleAssignment,
    )
    from courses.models import Enrollment, LessonCompletion, QuizAttempt
    from members.models import ConsentRecord, SignInCode

    counted = [
        get_user_model(),
        Attendance,
        ConstitutionRequest,
        DigestOptOut,
        MentorNote,
        Mentorship,
        MentorSignOff,
        RoleAssignment,
        Enrollment,
        LessonCompletion,
        QuizAttempt,
        ConsentRecord,
        SignInCode,
        TOTPDevice,
        StaticToken,
        get_image_model(),
        Revision,
    ]
    return {
        **{model.__name__: model.objects.count() for model in counted},
        "memberships": sorted(Membership.objects.values_list("pk", "status")),
        "meetings": sorted(Meeting.objects.values_list("pk", "title", "closed_at")),
        "documents": sorted(
            get_document_model().objects.values_list("pk", "collection_id")
        ),
        "councils": sorted(
            CouncilPage.objects.values_list("pk", "title", "municipality_id")
        ),
        "requests": sorted(ConstitutionRequest.objects.values_list("pk", "status")),
    }
