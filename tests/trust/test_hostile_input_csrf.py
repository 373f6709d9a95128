"""Hostile input (issue #7): every view that changes something refuses GET and
refuses a POST without its CSRF token, changing nothing.

``ACTIONS`` is the table: one row per state-changing view, with who uses it,
what a genuine form posts and what in the database the POST changes. Each row
is checked three ways: a GET changes nothing and is not an error; the same POST
from a browser session without the CSRF token is refused with 403 and changes
nothing; and the genuine POST (the test client's default, tokens not checked)
does change it, which proves the row's "nothing changed" means something.

``test_every_view_that_takes_a_post_is_in_the_table`` walks the URL resolver
and the routes of the site's routable pages: a new view of the project must
join ``ACTIONS`` or, if it only reads, ``READ_ONLY``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import get_page_models
from wagtail.snippets.models import get_snippet_models

from councils.models import (
    Attendance,
    CalendarFeed,
    ConstitutionFounder,
    ConstitutionRequest,
    DigestOptOut,
    LeadershipRole,
    Meeting,
    Membership,
    MentorNote,
    Mentorship,
    RoleAssignment,
    State,
)
from councils.names import SESSION_KEY
from courses.models import AxisFollow, Enrollment, LessonCompletion, QuizAttempt
from members.models import CodePurpose, ConsentRecord, PrivacyNotice, SignInCode, User
from notifications import stop
from notifications.channels import phone_e164
from notifications.models import ChannelPreference, PhoneCode
from notifications.services import consented
from offline.owner import owner_key
from tests.conftest import PASSWORD
from tests.courses.conftest import page_form_data
from tests.notifications.conftest import consent
from tests.trust import hostile
from tests.trust.hostile import NEW_PASSWORD, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def phone_channel_on(settings):
    """Codes by SMS can be sent (to the log): the rows that send one change
    something."""
    settings.NOTIFY_CONSOLE = True


PROJECT_APPS = (
    "cococi_site",
    "members",
    "notifications",
    "offline",
    "courses",
    "councils",
    "home",
)


@dataclass(frozen=True)
class Action:
    """``url``, ``data`` and ``state`` are functions of the world. ``state``
    reads what the POST changes; ``shown`` is what a download carries instead;
    ``cookie`` a cookie the answer sets instead. ``prepare`` runs first in the
    same browser session, with a client that sends tokens (e.g. the preview
    before an import's confirmation), and may return the URL to post to."""

    url: Callable[[Any], str]
    who: str | None
    data: Callable[[Any], dict] = lambda w: {}
    state: Callable[[Any], Any] | None = None
    shown: Callable[[Any], str] | None = None
    cookie: str | None = None
    prepare: Callable[[Any, Any], str | None] | None = None
    # The body is JSON (what a phone's service worker sends), not a form.
    json: bool = False

    def post(self, client, url, world):
        if self.json:
            return client.post(url, self.data(world), content_type="application/json")
        return client.post(url, self.data(world))


def admin(name, *args):
    return reverse(f"councils_admin:{name}", args=args)


def members(name, *args):
    return reverse(f"members:{name}", args=args)


def field(model, pk, name):
    return model.objects.filter(pk=pk).values_list(name, flat=True).first()


def registration(w):
    return {
        "first_name": "Nicanora",
        "last_name": "Bustos",
        "username": "nicanora",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent_necessary": "on",
    }


def meeting_data(w, **fields):
    return {
        "kind": "asamblea_ordinaria",
        "title": "Asamblea ordinaria",
        "starts_at": "2025-03-01T10:00",
        "duration_minutes": "120",
        "modality": "presencial",
        **fields,
    }


def two_factor_setup(client, w):
    """The setup page makes this session's key."""
    client.get(members("two_factor"))


def two_factor_code(w):
    return {"code": hostile.totp_now(hostile.device_being_set_up(w, "member-B"))}


def reset_link(client, w):
    """Open the e-mailed link: Django keeps the token in the session and
    sends the browser on to the form, which is what gets posted."""
    from django.contrib.auth.tokens import default_token_generator

    uid = urlsafe_base64_encode(force_bytes(w.member.pk))
    token = default_token_generator.make_token(w.member)
    response = client.get(members("password_reset_confirm", uid, token))
    assert response.status_code == 302
    return response["Location"]


def import_preview(client, w):
    upload = SimpleUploadedFile(
        "integrantes.csv", b"nombre,apellidos\nDionisia,Quiroz\n", "text/csv"
    )
    response = client.post(
        admin("members_import", w.council_a.pk),
        {"step": "preview", "file": upload, "paper_consent": "on"},
    )
    assert response.status_code == 200
    return None


def constitution_data(w):
    founders = [
        {"username": "rosa.editora", "role": role_pk("coordinador-de-consejo")},
        {"full_name": "Eulalia Mora"},
        {"full_name": "Filomena Ruiz"},
        {"full_name": "Gumersinda Paz"},
        {"full_name": "Hermelinda Soto"},
    ]
    data = {
        "proposed_name": "Consejo Comunitario Colonia Moderna",
        "state": str(State.objects.get(code="14").pk),
        "municipality": str(w.council_a.municipality_id),
        "sector": "",
        "assembly_on": timezone.localdate().isoformat(),
        "assembly_place": "Salón ejidal",
        "acta": SimpleUploadedFile(
            "acta.pdf", b"%PDF-1.4\n% acta\n%%EOF\n", "application/pdf"
        ),
        "fundadores-TOTAL_FORMS": str(len(founders)),
        "fundadores-INITIAL_FORMS": "0",
        "fundadores-MIN_NUM_FORMS": "0",
        "fundadores-MAX_NUM_FORMS": "40",
    }
    for number, founder in enumerate(founders):
        for name in ("full_name", "phone", "username", "role"):
            data[f"fundadores-{number}-{name}"] = founder.get(name, "")
    return data


def reasons_in_session(world, person):
    """The reasons to see people by name kept in ``person``'s session."""
    session = Session.objects.filter(session_key=world.sessions[person]).first()
    return session.get_decoded().get(SESSION_KEY) if session else None


def role_pk(slug):
    return str(LeadershipRole.objects.get(slug=slug).pk)


def council_page_data(w):
    council = w.council_a
    return page_form_data(
        council.title,
        council.slug,
        municipality=str(council.municipality_id),
        sector="",
        status=council.status,
        founded_on="",
        meeting_place="Cancha de la colonia",
        meeting_schedule="Sábados a las 10:00",
        contact_email="",
        contact_phone="",
        **{"body-count": "0", "action-publish": "action-publish"},
    )


def phone_code(client, w):
    """A code of the member's phone whose digits the row knows."""
    w.phone_code = PhoneCode.objects.create(
        user=w.member,
        phone=phone_e164(w.member.phone),
        channel="sms",
        code_hash=make_password("246810"),
        expires_at=timezone.now() + timedelta(minutes=10),
    )


def stop_link(client, w):
    """The member agreed to notices and has a stop link: the row's URL."""
    if not consented(w.member):
        consent(w.member)
    return reverse("stop_notices", args=[stop.key_for(w.member)])


def offline_phone(client, w):
    """The person registered without internet, with a phone to send to."""
    User.objects.filter(pk=w.offline.pk).update(phone="3311223344")


def upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type)


ACTIONS = {
    # The language switch
    "set_language": Action(
        lambda w: reverse("set_language"),
        None,
        data=lambda w: {"language": "en", "next": "/"},
        cookie=settings.LANGUAGE_COOKIE_NAME,
    ),
    # Accounts
    "members:login": Action(
        lambda w: members("login"),
        None,
        data=lambda w: {"username": "anacleta", "password": PASSWORD},
        state=lambda w: field(User, w.member.pk, "last_login"),
    ),
    "members:logout": Action(
        lambda w: members("logout"),
        "member",
        state=lambda w: hostile.session_exists(w, "member"),
    ),
    # The admin's "Cerrar sesión" (Wagtail's view, forgetting the device's copies)
    "admin_logout": Action(
        lambda w: reverse("admin_logout"),
        "member",
        state=lambda w: hostile.session_exists(w, "member"),
    ),
    "members:register": Action(
        lambda w: members("register"),
        None,
        data=registration,
        state=lambda w: User.objects.count(),
    ),
    "members:sign_in_code": Action(
        lambda w: members("sign_in_code"),
        None,
        data=lambda w: {"username": w.offline.username, "code": w.offline_code},
        state=lambda w: SignInCode.objects.filter(used_at__isnull=False).count(),
    ),
    "members:password_first_set": Action(
        lambda w: members("password_first_set"),
        "offline",
        data=lambda w: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        state=lambda w: field(User, w.offline.pk, "password"),
    ),
    "members:two_factor": Action(
        lambda w: members("two_factor"),
        "member-B",
        data=two_factor_code,
        state=lambda w: hostile.confirmed_app_devices(w.member_b),
        prepare=two_factor_setup,
    ),
    "members:two_factor_verify": Action(
        lambda w: members("two_factor_verify"),
        "guarded",
        data=lambda w: {"code": w.recovery_codes[0]},
        state=lambda w: StaticToken.objects.filter(device__user=w.guarded).count(),
    ),
    "members:two_factor_recovery_codes": Action(
        lambda w: members("two_factor_recovery_codes"),
        "guarded-verified",
        state=lambda w: sorted(
            StaticToken.objects.filter(device__user=w.guarded).values_list(
                "token", flat=True
            )
        ),
    ),
    "members:two_factor_disable": Action(
        lambda w: members("two_factor_disable"),
        "guarded-verified",
        state=lambda w: TOTPDevice.objects.filter(user=w.guarded).count(),
    ),
    "members:profile_edit": Action(
        lambda w: members("profile_edit"),
        "member",
        data=lambda w: {"first_name": "Anacleta Otra", "last_name": "M", "phone": ""},
        state=lambda w: field(User, w.member.pk, "first_name"),
    ),
    "members:password_change": Action(
        lambda w: members("password_change"),
        "member",
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        state=lambda w: field(User, w.member.pk, "password"),
    ),
    "members:consents_update": Action(
        lambda w: members("consents_update"),
        "member",
        data=lambda w: {"voluntary": ["avisos"]},
        state=lambda w: ConsentRecord.objects.filter(user=w.member).count(),
    ),
    "members:privacy_notice_accept": Action(
        lambda w: members("privacy_notice_accept"),
        "member",
        data=lambda w: {
            "version": PrivacyNotice.objects.current().version,
            "consent_necessary": "on",
        },
        state=lambda w: ConsentRecord.objects.filter(user=w.member).count(),
    ),
    "members:my_data_export": Action(
        lambda w: members("my_data_export"),
        "member",
        shown=lambda w: hostile.people.MEMBER_PHONE,
    ),
    "members:my_data_print": Action(
        lambda w: members("my_data_print"),
        "member",
        shown=lambda w: hostile.people.MEMBER_PHONE,
    ),
    "members:account_delete": Action(
        lambda w: members("account_delete"),
        "member",
        data=lambda w: {"password": PASSWORD},
        state=lambda w: field(User, w.member.pk, "is_active"),
    ),
    # Notices: her channel and her phone's verification
    "notifications:preferences": Action(
        lambda w: reverse("notifications:preferences"),
        "member",
        data=lambda w: {"channel": "ninguno"},
        state=lambda w: list(
            ChannelPreference.objects.filter(user=w.member).values_list(
                "channel", flat=True
            )
        ),
    ),
    "notifications:phone_code_send": Action(
        lambda w: reverse("notifications:phone_code_send"),
        "member",
        state=lambda w: PhoneCode.objects.filter(user=w.member).count(),
    ),
    "notifications:phone_verify": Action(
        lambda w: reverse("notifications:phone_verify"),
        "member",
        data=lambda w: {"code_id": w.phone_code.pk, "code": "246810"},
        state=lambda w: list(
            PhoneCode.objects.filter(user=w.member).values_list("tries", flat=True)
        ),
        prepare=phone_code,
    ),
    # The stop link of a notice: no sign-in, the key in the address.
    "stop_notices": Action(
        lambda w: "/baja/-/",
        None,
        state=lambda w: consented(w.member),
        prepare=stop_link,
    ),
    "members:password_reset": Action(
        lambda w: members("password_reset"),
        None,
        data=lambda w: {"email": hostile.people.MEMBER_EMAIL},
        state=lambda w: len(mail.outbox),
    ),
    "members:password_reset_confirm": Action(
        lambda w: members("password_reset_confirm", "x", "y"),
        None,
        data=lambda w: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        state=lambda w: field(User, w.member.pk, "password"),
        prepare=reset_link,
    ),
    # Mentors
    "mentors:mentee": Action(
        lambda w: reverse("mentors:mentee", args=[w.mentorship_a.pk]),
        "mentor",
        data=lambda w: {
            "action": "nota",
            "met_on": timezone.localdate().isoformat(),
            "text": "Hablamos del eje 2.",
        },
        state=lambda w: MentorNote.objects.filter(mentorship=w.mentorship_a).count(),
    ),
    # "Mi consejo"
    "councils_admin:membership_decide": Action(
        lambda w: admin("membership_decide", w.council_a.pk, w.pending_a.pk),
        "leader-A",
        data=lambda w: {"action": "aceptar"},
        state=lambda w: field(Membership, w.pending_a.pk, "status"),
    ),
    "councils_admin:membership_end": Action(
        lambda w: admin("membership_end", w.council_a.pk, w.membership_a.pk),
        "leader-A",
        state=lambda w: field(Membership, w.membership_a.pk, "status"),
    ),
    "councils_admin:member_register": Action(
        lambda w: admin("member_register", w.council_a.pk),
        "leader-A",
        data=lambda w: {
            "first_name": "Nueva",
            "last_name": "Integrante",
            "paper_consent": "on",
        },
        state=lambda w: User.objects.count(),
    ),
    "councils_admin:members_import": Action(
        lambda w: admin("members_import", w.council_a.pk),
        "leader-A",
        data=lambda w: {"step": "confirm"},
        state=lambda w: User.objects.count(),
        prepare=import_preview,
    ),
    "councils_admin:meeting_add": Action(
        lambda w: admin("meeting_add", w.council_a.pk),
        "leader-A",
        data=meeting_data,
        state=lambda w: Meeting.objects.filter(council=w.council_a).count(),
    ),
    "councils_admin:meeting_edit": Action(
        lambda w: admin("meeting_edit", w.council_a.pk, w.meeting_a.pk),
        "leader-A",
        data=lambda w: meeting_data(w, title="Asamblea extraordinaria"),
        state=lambda w: field(Meeting, w.meeting_a.pk, "title"),
    ),
    "councils_admin:meeting_attendance": Action(
        lambda w: admin("meeting_attendance", w.council_a.pk, w.meeting_a.pk),
        "leader-A",
        data=lambda w: {"present": [w.member.pk, w.mentor.pk]},
        state=lambda w: Attendance.objects.filter(meeting=w.meeting_a).count(),
    ),
    "councils_admin:meeting_close": Action(
        lambda w: admin("meeting_close", w.council_a.pk, w.meeting_a.pk),
        "leader-A",
        state=lambda w: field(Meeting, w.meeting_a.pk, "closed_at"),
    ),
    "councils_admin:meeting_cancel": Action(
        lambda w: admin("meeting_cancel", w.council_a.pk, w.meeting_a.pk),
        "leader-A",
        data=lambda w: {"reason": "Lluvias"},
        state=lambda w: field(Meeting, w.meeting_a.pk, "cancelled_at"),
    ),
    "councils_admin:mentorships": Action(
        lambda w: admin("mentorships", w.council_a.pk),
        "leader-A",
        data=lambda w: {"mentee": w.member.pk, "mentor": w.mentor.pk},
        state=lambda w: Mentorship.objects.active().filter(mentee=w.member).count(),
    ),
    "councils_admin:role_endorse": Action(
        lambda w: admin("role_endorse", w.council_a.pk),
        "leader-A",
        data=lambda w: {
            "member": w.member.pk,
            "role": role_pk("secretario-de-actas"),
            "meeting": w.closed_assembly.pk,
            "started_on": timezone.localdate().isoformat(),
            "note": "La asamblea la eligió por su trabajo en las actas.",
        },
        state=lambda w: RoleAssignment.objects.filter(user=w.member).count(),
    ),
    "councils_admin:two_factor_code_give": Action(
        lambda w: admin("two_factor_code_give", w.council_a.pk),
        "leader-A",
        data=lambda w: {"username": w.mentor.username},
        state=lambda w: SignInCode.objects.filter(
            purpose=CodePurpose.TWO_FACTOR
        ).count(),
    ),
    "councils_admin:sign_in_code_sms": Action(
        lambda w: admin(
            "sign_in_code_sms",
            w.council_a.pk,
            w.offline.memberships.get(council=w.council_a).pk,
        ),
        "leader-A",
        state=lambda w: SignInCode.objects.filter(user=w.offline).count(),
        prepare=offline_phone,
    ),
    "councils_admin:digest_toggle": Action(
        lambda w: admin("digest_toggle", w.council_a.pk),
        "leader-A",
        data=lambda w: {"recibir": "0"},
        state=lambda w: DigestOptOut.objects.count(),
    ),
    "councils_admin:names_reason": Action(
        lambda w: admin("names_reason"),
        "coordinator-A",
        data=lambda w: {
            "alcance": "estado:14",
            "motivo": "Seguimiento del plan estatal de formación",
            "next": admin("cadre_dashboard"),
        },
        state=lambda w: reasons_in_session(w, "coordinator-A"),
    ),
    "councils:founder_answer": Action(
        lambda w: reverse("councils:founder_answer", args=[w.founder_b.pk]),
        "member-B",
        data=lambda w: {"respuesta": "si"},
        state=lambda w: field(ConstitutionFounder, w.founder_b.pk, "confirmed_at"),
    ),
    "councils_admin:constitution": Action(
        lambda w: admin("constitution", w.constitution.pk),
        "coordinator-A",
        data=lambda w: {"action": "rechazar", "reason": "Faltan firmas."},
        state=lambda w: field(ConstitutionRequest, w.constitution.pk, "status"),
    ),
    # Routes of pages
    "CoursePage.enroll": Action(
        lambda w: w.course_b.url + "inscribirme/",
        "member",
        state=lambda w: Enrollment.objects.filter(user=w.member).count(),
    ),
    "LessonPage.complete": Action(
        lambda w: w.lesson.url + "completar/",
        "member",
        state=lambda w: LessonCompletion.objects.filter(user=w.member).count(),
    ),
    # What a member did offline, sent by her phone's service worker.
    "offline_sync": Action(
        lambda w: reverse("offline_sync"),
        "member",
        data=lambda w: {
            "owner": owner_key(w.member),
            "items": [
                {
                    "key": "trust-offline-0001",
                    "url": w.lesson.url + "completar/",
                    "fields": {},
                    "at": timezone.now().isoformat(),
                }
            ],
        },
        state=lambda w: LessonCompletion.objects.filter(user=w.member).count(),
        json=True,
    ),
    "LessonPage.submit_quiz": Action(
        lambda w: w.quiz_lesson.url + "autoevaluacion/",
        "member",
        data=lambda w: w.quiz_answers,
        state=lambda w: QuizAttempt.objects.filter(user=w.member).count(),
    ),
    "CouncilPage.join": Action(
        lambda w: w.council_a.url + "unirme/",
        "editor",
        state=lambda w: (
            Membership.objects.filter(user__username="rosa.editora")
            .values_list("status", flat=True)
            .first()
        ),
    ),
    "member_calendar_renew": Action(
        lambda w: reverse("member_calendar_renew"),
        "member",
        state=lambda w: list(
            CalendarFeed.objects.filter(user=w.member).values_list("token", flat=True)
        ),
    ),
    "axis_follows:toggle": Action(
        lambda w: reverse("axis_follows:toggle", args=[w.course_b.primary_axis.slug]),
        "member",
        data=lambda w: {"seguir": "1"},
        state=lambda w: AxisFollow.objects.filter(user=w.member).count(),
    ),
    "ConstitutionGuidePage.request": Action(
        lambda w: "/consejos/como-constituir-un-consejo/solicitud/",
        "member-B",
        data=constitution_data,
        state=lambda w: ConstitutionRequest.objects.count(),
    ),
    # The Wagtail admin's own forms that leaders use (checked, not walked)
    "wagtail:page_edit": Action(
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.council_a.pk]),
        "leader-A",
        data=council_page_data,
        state=lambda w: w.council_a.revisions.count(),
    ),
    "wagtail:document_add": Action(
        lambda w: reverse("wagtaildocs:add"),
        "leader-A",
        data=lambda w: {
            "title": "Lista de acuerdos",
            "collection": w.council_a.collection_id,
            "file": upload("acuerdos.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        },
        state=lambda w: get_document_model().objects.count(),
    ),
    "wagtail:image_add": Action(
        lambda w: reverse("wagtailimages:add"),
        "leader-A",
        data=lambda w: {
            "title": "Foto de la asamblea",
            "collection": w.council_a.collection_id,
            "file": upload("asamblea.png", hostile.png_bytes(), "image/png"),
        },
        state=lambda w: get_image_model().objects.count(),
    ),
}

# Views of the project that only read: they may answer a POST as a GET.
READ_ONLY = {
    "health": lambda w: reverse("health"),
    # For search engines (home/crawlers.py): GET only.
    "robots_txt": lambda w: reverse("robots_txt"),
    "sitemap": lambda w: reverse("sitemap"),
    # Files after the permission check (home/files.py).
    "media": lambda w: "/media/images/portada.width-320.webp",
    "wagtaildocs_serve": lambda w: w.acta_a.url,
    # Wagtail's page serving, with the project's routing (home.routing).
    "wagtail_serve": lambda w: w.course_b.url,
    "search": lambda w: reverse("search") + "?q=consejo",
    "members:privacy_notice": lambda w: members("privacy_notice"),
    "members:my_data": lambda w: members("my_data"),
    "members:password_reset_done": lambda w: members("password_reset_done"),
    "members:password_reset_complete": lambda w: members("password_reset_complete"),
    "mentors:mentees": lambda w: reverse("mentors:mentees"),
    "my_formation": lambda w: reverse("my_formation"),
    "courses:certificate_lookup": lambda w: reverse("courses:certificate_lookup"),
    "course_finished": lambda w: reverse(
        "course_finished", args=[w.certificate.course.slug]
    ),
    "courses:certificate_verify": lambda w: reverse(
        "courses:certificate_verify", args=[w.certificate.code]
    ),
    "courses:certificate_download": lambda w: reverse(
        "courses:certificate_download", args=[w.certificate.code]
    ),
    "councils:constitution_acta": lambda w: reverse(
        "councils:constitution_acta", args=[w.constitution.pk]
    ),
    "wagtailapi:pages:listing": lambda w: "/api/v2/pages/",
    "wagtailapi:pages:detail": lambda w: f"/api/v2/pages/{w.council_a.pk}/",
    "wagtailapi:pages:find": lambda w: "/api/v2/pages/find/?html_path=/",
    "wagtailapi:images:listing": lambda w: "/api/v2/images/",
    "wagtailapi:images:detail": lambda w: "/api/v2/images/1/",
    "wagtailapi:images:find": lambda w: "/api/v2/images/find/?id=1",
    "councils_admin:index": lambda w: admin("index"),
    "councils_admin:council": lambda w: admin("council", w.council_a.pk),
    "councils_admin:council_notices": lambda w: admin(
        "council_notices", w.council_a.pk
    ),
    "councils_admin:consent_form": lambda w: admin("consent_form", w.council_a.pk),
    "councils_admin:meeting": lambda w: admin(
        "meeting", w.council_a.pk, w.meeting_a.pk
    ),
    "councils_admin:cadre_dashboard": lambda w: admin("cadre_dashboard"),
    # The notices' listing (its own view: it reads each person in one query)
    # and its CSV export.
    "notices:index": lambda w: "/admin/notices/?export=csv",
    "notices:index_results": lambda w: "/admin/notices/results/",
    "councils_admin:constitutions": lambda w: admin("constitutions"),
    "CoursePage.booklet_download": lambda w: w.course_b.url + "cuadernillo/",
    "CoursePage.facilitator_booklet": lambda w: (
        w.course_b.url + "cuadernillo/facilitacion/"
    ),
    # Offline study: what a phone saves of a course, the worker, the app's
    # manifest and the page shown offline.
    "CoursePage.offline_manifest": lambda w: w.course_b.url + "sin-conexion/",
    "service_worker": lambda w: reverse("service_worker"),
    "web_manifest": lambda w: reverse("web_manifest"),
    "offline:page": lambda w: reverse("offline:page"),
    # Calendars: a council's public meetings, one meeting, a member's own feed
    "CouncilPage.calendar": lambda w: w.council_a.url + "calendario.ics/",
    "wagtail_serve_ics": lambda w: w.council_a.url + "calendario.ics",
    "CouncilPage.meeting_event": lambda w: (
        f"{w.council_a.url}reuniones/{w.meeting_a.pk}/evento.ics/"
    ),
    "member_calendar": lambda w: reverse(
        "member_calendar",
        args=[CalendarFeed.objects.get_or_create(user=w.member)[0].token],
    ),
    # Wagtail's views, narrowed to the pages the viewer may explore
    # (home/admin_scope.py)
    "scoped_choose_page_child": lambda w: reverse(
        "scoped_choose_page_child", args=[w.council_a.pk]
    ),
    "scoped_choose_page_chosen_multiple": lambda w: (
        f"{reverse('scoped_choose_page_chosen_multiple')}?id={w.council_a.pk}"
    ),
    # The admin API's files: those the viewer may choose (home/admin_scope.py)
    "wagtailadmin_api:documents:listing": lambda w: "/admin/api/main/documents/",
    "wagtailadmin_api:documents:detail": lambda w: (
        f"/admin/api/main/documents/{w.acta_a.pk}/"
    ),
    "wagtailadmin_api:documents:find": lambda w: (
        f"/admin/api/main/documents/find/?id={w.acta_a.pk}"
    ),
    "wagtailadmin_api:images:listing": lambda w: "/admin/api/main/images/",
    "wagtailadmin_api:images:detail": lambda w: "/admin/api/main/images/1/",
    "wagtailadmin_api:images:find": lambda w: "/admin/api/main/images/find/?id=1",
    "scoped_tag_autocomplete": lambda w: f"{reverse('scoped_tag_autocomplete')}?term=a",
    "scoped_tag_model_autocomplete": lambda w: (
        reverse("scoped_tag_model_autocomplete", args=["taggit", "tag"]) + "?term=a"
    ),
    **{
        name: lambda w, name=name: reverse(name)
        for name in (
            "scoped_site_history",
            "scoped_site_history_results",
            "scoped_locked_pages",
            "scoped_locked_pages_results",
            "scoped_workflow",
            "scoped_workflow_results",
            "scoped_page_types_usage",
            "scoped_page_types_usage_results",
            "scoped_images",
            "scoped_images_results",
            "scoped_image_chooser",
            "scoped_documents",
            "scoped_documents_results",
        )
    },
}


def snippet_choosers():
    """The views of every snippet's chooser (cococi_site/snippets.py) but
    "create", which Wagtail's own "add" permission guards."""
    views = {}
    for model in get_snippet_models():
        namespace = model.snippet_viewset.get_chooser_admin_url_namespace()
        for view in ("choose", "choose_results", "chosen_multiple"):
            views[f"{namespace}:{view}"] = lambda w, name=f"{namespace}:{view}": (
                reverse(name)
            )
        views[f"{namespace}:chosen"] = lambda w, name=namespace, model=model: reverse(
            f"{name}:chosen", args=[model.objects.first().pk]
        )
    return views


READ_ONLY.update(snippet_choosers())
# Who looks at each read-only view (anyone allowed to).
READ_ONLY_WHO = {
    "members:my_data": "member",
    "my_formation": "member",
    "course_finished": "member",
    "mentors:mentees": "mentor",
    "courses:certificate_download": "member",
    "councils:constitution_acta": "member",
}


def project_views():
    """Names of the URL patterns whose views the project wrote (or, under its
    namespaces, configured), and of its routable pages' routes."""

    def walk(resolver, namespaces=()):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = (*namespaces, pattern.namespace) if pattern.namespace else ()
                yield from walk(pattern, inner or namespaces)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", pattern.callback)
                module = view.__module__
                name = ":".join((*namespaces, pattern.name or "?"))
                if module.split(".")[0] in PROJECT_APPS or (
                    namespaces and namespaces[0] in {"members", "mentors"}
                ):
                    yield name
                elif module == "django.views.i18n" and pattern.name == "set_language":
                    yield name

    names = set(walk(get_resolver()))
    for model in get_page_models():
        if issubclass(model, RoutablePageMixin):
            names |= {
                f"{model.__name__}.{route.name}"
                for route in model.get_subpage_urls()
                if route.name != "index_route"  # the page itself
            }
    return names


def test_every_view_that_takes_a_post_is_in_the_table():
    listed = set(ACTIONS) | set(READ_ONLY)
    found = project_views()

    assert found - listed == set(), "add these views to ACTIONS or READ_ONLY"
    assert not set(ACTIONS) & set(READ_ONLY)
    # Rows that no longer match a view are stale (Wagtail's own are explicit).
    stale = listed - found - {name for name in ACTIONS if name.startswith("wagtail:")}
    assert stale == set()


def prepared_url(world, action, client):
    url = action.url(world)
    if action.prepare:
        helper = client_for(world, action.who)
        helper.cookies.update(client.cookies)
        url = action.prepare(helper, world) or url
        for name, morsel in helper.cookies.items():
            if name != settings.CSRF_COOKIE_NAME:
                client.cookies[name] = morsel.value
    return url


def response_effect(world, action, response):
    """What a POST did, as the row measures it."""
    if action.state:
        return action.state(world)
    if action.shown:
        return action.shown(world).encode() in hostile.body_of(response)
    morsel = response.cookies.get(action.cookie)
    return morsel.value if morsel else None


@pytest.mark.parametrize("name", list(ACTIONS))
def test_a_get_changes_nothing(hostile_world, name):
    action = ACTIONS[name]
    client = client_for(hostile_world, action.who)
    url = prepared_url(hostile_world, action, client)
    before = action.state(hostile_world) if action.state else None

    # The form's fields in the query string, as a link or an image would send.
    query = {
        key: value
        for key, value in action.data(hostile_world).items()
        if not hasattr(value, "read")
    }
    response = client.get(url, query)

    assert response.status_code in (200, 302, 405), response.status_code
    if action.state:
        assert action.state(hostile_world) == before
    elif action.shown:
        assert action.shown(hostile_world).encode() not in hostile.body_of(response)
    else:
        assert action.cookie not in response.cookies


# Views that take a POST without a CSRF token, on purpose. The language switch
# is in every page's footer: without a token in it, public pages can be served
# from the shared page cache (cococi_site/page_cache.py). A forged request can
# only change someone's language.
CSRF_EXEMPT = {"set_language"}


def test_only_the_language_switch_takes_a_post_without_a_token(hostile_world):
    client = client_for(hostile_world, None, csrf=True)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert set(response.cookies) == {settings.LANGUAGE_COOKIE_NAME}
    assert CSRF_EXEMPT <= set(ACTIONS)


@pytest.mark.parametrize("name", [name for name in ACTIONS if name not in CSRF_EXEMPT])
def test_a_post_without_the_csrf_token_is_refused(hostile_world, name):
    action = ACTIONS[name]
    client = client_for(hostile_world, action.who, csrf=True)
    url = prepared_url(hostile_world, action, client)
    before = action.state(hostile_world) if action.state else None

    response = action.post(client, url, hostile_world)

    assert response.status_code == 403
    if action.state:
        assert action.state(hostile_world) == before
    elif action.shown:
        assert action.shown(hostile_world).encode() not in hostile.body_of(response)
    else:
        assert action.cookie not in response.cookies


# Actions whose visible effect is a task run after the commit (an e-mail).
AFTER_COMMIT = {"members:password_reset"}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_genuine_post_does_change_it(
    hostile_world, name, django_capture_on_commit_callbacks
):
    action = ACTIONS[name]
    client = client_for(hostile_world, action.who)
    url = prepared_url(hostile_world, action, client)
    before = action.state(hostile_world) if action.state else None

    with django_capture_on_commit_callbacks(execute=name in AFTER_COMMIT):
        response = action.post(client, url, hostile_world)

    assert response.status_code < 400, response.content.decode()[:2000]
    effect = response_effect(hostile_world, action, response)
    if action.state:
        assert effect != before
    else:
        assert effect


@pytest.mark.parametrize("name", list(READ_ONLY))
def test_a_read_only_view_changes_nothing_even_when_posted_to(hostile_world, name):
    client = client_for(hostile_world, READ_ONLY_WHO.get(name, "superuser"))
    url = READ_ONLY[name](hostile_world)
    before = hostile.snapshot()

    got = client.get(url)
    posted = client.post(url, {"action": "aceptar", "step": "confirm"})

    assert got.status_code < 500 and posted.status_code < 500
    assert hostile.snapshot() == before
