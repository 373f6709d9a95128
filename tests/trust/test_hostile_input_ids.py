"""Hostile input (issue #7): forged ids. Every form that takes an id, posted
with one from another council or scope, one that does not exist, one that is
not a number or one too large for the database: a clear Spanish message or
404, never an error 500, and nothing changed.

The permission matrix (``test_permission_matrix.py``) already proves that a
leader reaches nothing of another council through its addresses (meetings,
attendance, requests of B through A's pages, and the reverse); here are the
ids inside the forms, and the ids that are not ids at all.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from councils.models import LeadershipRole, Municipality, State
from members.models import AccessLog
from notifications.models import ChannelPreference, PhoneCode
from tests.councils.helpers import spanish
from tests.courses.conftest import page_form_data
from tests.trust import hostile
from tests.trust.hostile import client_for

pytestmark = pytest.mark.django_db

MISSING = 999_999
HUGE = "99999999999999999999"


@dataclass(frozen=True)
class Forged:
    """``who`` posts ``data`` to ``url`` (functions of the world); the answer
    is ``status`` and, when given, shows the Spanish text of ``msgid``."""

    who: str
    url: Callable[[Any], str]
    data: Callable[[Any], dict] = lambda w: {}
    msgid: str | None = None
    status: tuple = (200, 302, 400)
    method: str = "post"


def admin(name, *args):
    return reverse(f"councils_admin:{name}", args=args)


def role(slug):
    return LeadershipRole.objects.get(slug=slug).pk


def meeting_data(w, **fields):
    return {
        "kind": "asamblea_ordinaria",
        "title": "Asamblea forjada",
        "starts_at": "2025-03-01T10:00",
        "duration_minutes": "60",
        "modality": "presencial",
        **fields,
    }


def endorsement(w, **fields):
    return {
        "member": w.member.pk,
        "role": role("secretario-de-actas"),
        "meeting": w.closed_assembly.pk,
        "started_on": timezone.localdate().isoformat(),
        "note": "Elegida por la asamblea.",
        **fields,
    }


def someone_else_s_code(w):
    """A verification code of the member of B, whose digits the member of A
    is given (as if she had seen the message)."""
    return PhoneCode.objects.create(
        user=w.member_b,
        phone="+525512345678",
        channel="sms",
        code_hash=make_password("135790"),
        expires_at=timezone.now() + timedelta(minutes=10),
    )


def founders(w, **fields):
    data = {
        "proposed_name": "Consejo Comunitario La Forja",
        "state": str(State.objects.get(code="14").pk),
        "municipality": str(w.council_a.municipality_id),
        "assembly_on": timezone.localdate().isoformat(),
        "assembly_place": "Salón ejidal",
        "acta": SimpleUploadedFile("acta.pdf", b"%PDF-1.4\n%%EOF\n"),
        "fundadores-TOTAL_FORMS": "5",
        "fundadores-INITIAL_FORMS": "0",
        "fundadores-MIN_NUM_FORMS": "0",
        "fundadores-MAX_NUM_FORMS": "40",
    }
    rows = [
        {"username": "rosa.editora", "role": role("coordinador-de-consejo")},
        *({"full_name": f"Fundadora {number}"} for number in range(4)),
    ]
    for number, row in enumerate(rows):
        for name in ("full_name", "username", "role"):
            data[f"fundadores-{number}-{name}"] = row.get(name, "")
    data.update(fields)
    return data


def council_page(w, municipality):
    council = w.council_a
    return page_form_data(
        council.title,
        council.slug,
        municipality=str(municipality),
        sector="",
        status=council.status,
        founded_on="",
        meeting_place="",
        meeting_schedule="",
        contact_email="",
        contact_phone="",
        **{"body-count": "0", "action-publish": "action-publish"},
    )


def upload_to(collection_id, name="acta.pdf", content=b"%PDF-1.4\n%%EOF\n"):
    return {
        "title": "Archivo forjado",
        "collection": collection_id,
        "file": SimpleUploadedFile(name, content),
    }


NOT_HERE = "That request does not belong to this council."
NOT_A_MEMBER = "That person is not an active member of this council."
NOT_AVAILABLE = (
    "Select a valid choice. That choice is not one of the available choices."
)
NOT_AVAILABLE_VALUE = (
    "Select a valid choice. %(value)s is not one of the available choices."
)
NOT_AN_ASSEMBLY = "Choose a closed assembly of this council that has its acta."

FORGED = {
    # Membership requests and members of "Mi consejo"
    "decide/missing-request": Forged(
        "leader-A",
        lambda w: admin("membership_decide", w.council_a.pk, MISSING),
        lambda w: {"action": "aceptar"},
        NOT_HERE,
    ),
    "decide/membership-of-B": Forged(
        "leader-A",
        lambda w: admin(
            "membership_decide",
            w.council_a.pk,
            w.member_b.memberships.get(council=w.council_b).pk,
        ),
        lambda w: {"action": "rechazar"},
        NOT_HERE,
    ),
    "decide/forged-action": Forged(
        "leader-A",
        lambda w: admin("membership_decide", w.council_a.pk, w.pending_a.pk),
        lambda w: {"action": "promover"},
        "Choose whether to accept or reject the request.",
    ),
    "end/membership-of-B": Forged(
        "leader-A",
        lambda w: admin(
            "membership_end",
            w.council_a.pk,
            w.member_b.memberships.get(council=w.council_b).pk,
        ),
        msgid=NOT_A_MEMBER,
    ),
    "end/pending-request": Forged(
        "leader-A",
        lambda w: admin("membership_end", w.council_a.pk, w.pending_a.pk),
        msgid=NOT_A_MEMBER,
    ),
    "end/missing": Forged(
        "leader-A",
        lambda w: admin("membership_end", w.council_a.pk, MISSING),
        msgid=NOT_A_MEMBER,
    ),
    "end/huge": Forged(
        "leader-A",
        lambda w: f"/admin/mi-consejo/{w.council_a.pk}/integrantes/{HUGE}/baja/",
        status=(404,),
    ),
    # A sign-in code by SMS: only to a member of one's own council
    "sms-code/member-of-B": Forged(
        "leader-A",
        lambda w: admin(
            "sign_in_code_sms",
            w.council_a.pk,
            w.member_b.memberships.get(council=w.council_b).pk,
        ),
        status=(404,),
    ),
    "sms-code/missing": Forged(
        "leader-A",
        lambda w: admin("sign_in_code_sms", w.council_a.pk, MISSING),
        status=(404,),
    ),
    "sms-code/huge": Forged(
        "leader-A",
        lambda w: f"/admin/mi-consejo/{w.council_a.pk}/integrantes/{HUGE}/codigo-sms/",
        status=(404,),
    ),
    # A phone's verification code: only one's own
    "phone-code/another-s": Forged(
        "member",
        lambda w: reverse("notifications:phone_verify"),
        lambda w: {"code_id": someone_else_s_code(w).pk, "code": "135790"},
        msgid="That code is not valid here: ask for a new one.",
    ),
    "phone-code/missing": Forged(
        "member",
        lambda w: reverse("notifications:phone_verify"),
        lambda w: {"code_id": MISSING, "code": "135790"},
        msgid="That code is not valid here: ask for a new one.",
    ),
    "phone-code/huge": Forged(
        "member",
        lambda w: reverse("notifications:phone_verify"),
        lambda w: {"code_id": HUGE, "code": "135790"},
    ),
    "phone-code/not-a-number": Forged(
        "member",
        lambda w: reverse("notifications:phone_verify"),
        lambda w: {"code_id": "uno", "code": "135790"},
    ),
    # Attendance
    "attendance/member-of-B": Forged(
        "leader-A",
        lambda w: admin("meeting_attendance", w.council_a.pk, w.meeting_a.pk),
        lambda w: {"present": [w.member.pk, w.member_b.pk]},
        "The list names someone who is not a member of this council.",
    ),
    "attendance/missing": Forged(
        "leader-A",
        lambda w: admin("meeting_attendance", w.council_a.pk, w.meeting_a.pk),
        lambda w: {"present": [MISSING]},
        "The list names someone who is not a member of this council.",
    ),
    "attendance/not-a-number": Forged(
        "leader-A",
        lambda w: admin("meeting_attendance", w.council_a.pk, w.meeting_a.pk),
        lambda w: {"present": ["abc"]},
        "The list names someone who does not exist.",
    ),
    "attendance/huge": Forged(
        "leader-A",
        lambda w: admin("meeting_attendance", w.council_a.pk, w.meeting_a.pk),
        lambda w: {"present": [HUGE]},
        "The list names someone who does not exist.",
    ),
    # Meetings
    "meeting/facilitator-of-B": Forged(
        "leader-A",
        lambda w: admin("meeting_add", w.council_a.pk),
        lambda w: meeting_data(w, facilitator=w.member_b.pk),
        NOT_AVAILABLE,
    ),
    "meeting/facilitator-huge": Forged(
        "leader-A",
        lambda w: admin("meeting_add", w.council_a.pk),
        lambda w: meeting_data(w, facilitator=HUGE),
        NOT_AVAILABLE,
    ),
    "meeting/missing-lesson": Forged(
        "leader-A",
        lambda w: admin("meeting_add", w.council_a.pk),
        lambda w: meeting_data(w, kind="circulo", lessons=[MISSING]),
        NOT_AVAILABLE_VALUE,
    ),
    "meeting/lesson-not-a-number": Forged(
        "leader-A",
        lambda w: admin("meeting_add", w.council_a.pk),
        lambda w: meeting_data(w, kind="circulo", lessons=["abc"]),
        "“%(pk)s” is not a valid value.",
    ),
    "meeting/lesson-is-a-course": Forged(
        "leader-A",
        lambda w: admin("meeting_add", w.council_a.pk),
        lambda w: meeting_data(w, kind="circulo", lessons=[w.course_b.pk]),
        NOT_AVAILABLE_VALUE,
    ),
    "meeting/forged-kind": Forged(
        "leader-A",
        lambda w: admin("meeting_add", w.council_a.pk),
        lambda w: meeting_data(w, kind="fiesta"),
        NOT_AVAILABLE_VALUE,
    ),
    "meeting/edit-B-through-A": Forged(
        "leader-A",
        lambda w: admin("meeting_edit", w.council_a.pk, w.meeting_b.pk),
        meeting_data,
        status=(404,),
    ),
    "meeting/edit-missing": Forged(
        "leader-A",
        lambda w: admin("meeting_edit", w.council_a.pk, MISSING),
        meeting_data,
        status=(404,),
    ),
    "meeting/edit-huge": Forged(
        "leader-A",
        lambda w: f"/admin/mi-consejo/{w.council_a.pk}/reuniones/{HUGE}/editar/",
        meeting_data,
        status=(404,),
    ),
    # Mentors and offices
    "mentorship/mentee-of-B": Forged(
        "leader-A",
        lambda w: admin("mentorships", w.council_a.pk),
        lambda w: {"mentee": w.member_b.pk, "mentor": w.mentor.pk},
        NOT_A_MEMBER,
    ),
    "mentorship/missing-mentor": Forged(
        "leader-A",
        lambda w: admin("mentorships", w.council_a.pk),
        lambda w: {"mentee": w.member.pk, "mentor": MISSING},
        "The mentor must be an active member of this council.",
    ),
    "mentorship/not-a-number": Forged(
        "leader-A",
        lambda w: admin("mentorships", w.council_a.pk),
        lambda w: {"mentee": "abc", "mentor": w.mentor.pk},
        NOT_A_MEMBER,
    ),
    "endorse/member-of-B": Forged(
        "leader-A",
        lambda w: admin("role_endorse", w.council_a.pk),
        lambda w: endorsement(w, member=w.member_b.pk),
        NOT_A_MEMBER,
    ),
    "endorse/state-role": Forged(
        "leader-A",
        lambda w: admin("role_endorse", w.council_a.pk),
        lambda w: endorsement(w, role=role("coordinador-estatal")),
        NOT_AVAILABLE,
    ),
    "endorse/assembly-of-B": Forged(
        "leader-A",
        lambda w: admin("role_endorse", w.council_a.pk),
        lambda w: endorsement(w, meeting=w.meeting_b.pk),
        NOT_AN_ASSEMBLY,
    ),
    "endorse/open-assembly": Forged(
        "leader-A",
        lambda w: admin("role_endorse", w.council_a.pk),
        lambda w: endorsement(w, meeting=w.meeting_a.pk),
        NOT_AN_ASSEMBLY,
    ),
    "endorse/not-a-number": Forged(
        "leader-A",
        lambda w: admin("role_endorse", w.council_a.pk),
        lambda w: endorsement(w, role="abc"),
        NOT_AVAILABLE,
    ),
    # Addresses with ids that are not there
    "council/missing": Forged(
        "leader-A",
        lambda w: admin("member_register", MISSING),
        lambda w: {"first_name": "Nadie", "paper_consent": "on"},
        status=(404,),
    ),
    "council/not-a-number": Forged(
        "leader-A",
        lambda w: "/admin/mi-consejo/abc/integrantes/nuevo/",
        lambda w: {"first_name": "Nadie", "paper_consent": "on"},
        status=(404,),
    ),
    "council/huge": Forged(
        "leader-A",
        lambda w: f"/admin/mi-consejo/{HUGE}/integrantes/nuevo/",
        lambda w: {"first_name": "Nadie", "paper_consent": "on"},
        status=(404,),
    ),
    "constitution/missing": Forged(
        "coordinator-A",
        lambda w: admin("constitution", MISSING),
        lambda w: {"action": "aprobar"},
        status=(404,),
    ),
    "constitution/forged-action": Forged(
        "coordinator-A",
        lambda w: admin("constitution", w.constitution.pk),
        lambda w: {"action": "aprobar-todo"},
        NOT_AVAILABLE_VALUE,
    ),
    "mentee/missing": Forged(
        "mentor",
        lambda w: reverse("mentors:mentee", args=[MISSING]),
        lambda w: {"action": "nota", "met_on": "2025-01-01", "text": "x"},
        status=(404,),
    ),
    "mentee/huge": Forged(
        "mentor",
        lambda w: f"/mi-formacion/acompanamiento/{HUGE}/",
        lambda w: {"action": "nota", "met_on": "2025-01-01", "text": "x"},
        status=(404,),
    ),
    "mentee/sign-off-not-due": Forged(
        "mentor",
        lambda w: reverse("mentors:mentee", args=[w.mentorship_a.pk]),
        lambda w: {"action": "aval"},
        status=(200,),
    ),
    # The cadre dashboard's scope: refused, never widened
    "cadres/council-of-B": Forged(
        "leader-A",
        lambda w: admin("cadre_dashboard") + f"?consejo={w.council_b.pk}",
        status=(302, 403),
        method="get",
    ),
    "cadres/council-not-a-number": Forged(
        "leader-A",
        lambda w: admin("cadre_dashboard") + "?consejo=abc",
        status=(302, 403),
        method="get",
    ),
    "cadres/council-huge": Forged(
        "leader-A",
        lambda w: admin("cadre_dashboard") + f"?consejo={HUGE}",
        status=(302, 403),
        method="get",
    ),
    "cadres/state-of-B": Forged(
        "coordinator-A",
        lambda w: admin("cadre_dashboard") + "?estado=09&personas=1",
        status=(302, 403),
        method="get",
    ),
    # A reason to see people by name, given for a scope one does not hold.
    **{
        f"names-reason/{case}": Forged(
            "coordinator-A",
            lambda w: admin("names_reason"),
            data=lambda w, key=key: {
                "alcance": key(w),
                "motivo": "Revisión del avance del estado",
                "next": admin("cadre_dashboard"),
            },
            status=(302, 403),
        )
        for case, key in {
            "state-of-B": lambda w: "estado:09",
            "council-of-B": lambda w: f"consejo:{w.council_b.pk}",
            "whole-country": lambda w: "nacional",
            "council-huge": lambda w: f"consejo:{HUGE}",
            "council-not-a-number": lambda w: "consejo:abc",
            "no-scope": lambda w: "",
        }.items()
    },
    "cadres/state-missing": Forged(
        "coordinator-A",
        lambda w: admin("cadre_dashboard") + "?estado=99",
        status=(302, 403),
        method="get",
    ),
    "cadres/state-nul": Forged(
        "coordinator-A",
        lambda w: admin("cadre_dashboard") + "?estado=%00",
        status=(200, 302, 403),
        method="get",
    ),
    # A person's own forms
    "consents/necessary": Forged(
        "member",
        lambda w: reverse("members:consents_update"),
        lambda w: {"voluntary": ["necesario"]},
        "That choice is not valid; nothing was changed.",
    ),
    "consents/forged": Forged(
        "member",
        lambda w: reverse("members:consents_update"),
        lambda w: {"voluntary": ["avisos", "vender-mis-datos"]},
        "That choice is not valid; nothing was changed.",
    ),
    "constancia/missing": Forged(
        "member",
        lambda w: reverse("courses:certificate_download", args=["no-existe"]),
        status=(404,),
        method="get",
    ),
    "constancia/huge-code": Forged(
        None,
        lambda w: reverse("courses:certificate_verify", args=["x" * 5000]),
        status=(404,),
        method="get",
    ),
    "two-factor/garbage-code": Forged(
        "guarded",
        lambda w: reverse("members:two_factor_verify"),
        lambda w: {"code": "' OR 1=1 --"},
        "That code is not right or was already used. Wait for a new one.",
    ),
    # A constitution request naming things that are not there
    "request/state-role-for-a-founder": Forged(
        "member-B",
        lambda w: "/consejos/como-constituir-un-consejo/solicitud/",
        lambda w: founders(w, **{"fundadores-0-role": role("coordinador-estatal")}),
        NOT_AVAILABLE,
    ),
    "request/state-not-a-number": Forged(
        "member-B",
        lambda w: "/consejos/como-constituir-un-consejo/solicitud/",
        lambda w: founders(w, state="abc"),
        NOT_AVAILABLE,
    ),
    "request/missing-municipality": Forged(
        "member-B",
        lambda w: "/consejos/como-constituir-un-consejo/solicitud/",
        lambda w: founders(w, municipality=MISSING),
        NOT_AVAILABLE,
    ),
    # Wagtail's admin, as council leaders use it
    "page/municipality-of-another-state": Forged(
        "leader-A",
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.council_a.pk]),
        lambda w: council_page(
            w, Municipality.objects.filter(state__code="09").first().pk
        ),
        NOT_AVAILABLE,
    ),
    "page/missing-municipality": Forged(
        "leader-A",
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.council_a.pk]),
        lambda w: council_page(w, MISSING),
        NOT_AVAILABLE,
    ),
    # (A leader with one collection is not even asked which: see below.)
    "document/collection-of-B": Forged(
        "coordinator-A",
        lambda w: reverse("wagtaildocs:add"),
        lambda w: upload_to(w.council_b.collection_id),
        NOT_AVAILABLE,
    ),
    "image/collection-of-B": Forged(
        "coordinator-A",
        lambda w: reverse("wagtailimages:add"),
        lambda w: upload_to(w.council_b.collection_id, "foto.png", hostile.png_bytes()),
        NOT_AVAILABLE,
    ),
    "document/move-acta-to-B": Forged(
        "coordinator-A",
        lambda w: reverse("wagtaildocs:edit", args=[w.acta_a.pk]),
        lambda w: {"title": w.acta_a.title, "collection": w.council_b.collection_id},
        NOT_AVAILABLE,
    ),
}


def fragment(msgid):
    """The longest stretch of the Spanish message between its placeholders,
    as the page shows it."""
    text = spanish(msgid)
    return escape(max(re.split(r"%\(\w+\)s", text), key=len).strip())


@pytest.mark.parametrize("name", list(FORGED))
def test_a_forged_id_is_refused_and_changes_nothing(hostile_world, name):
    forged = FORGED[name]
    before = hostile.snapshot()
    logged = AccessLog.objects.count()
    verified = ChannelPreference.objects.filter(phone_verified_at__isnull=False)
    verified_before = verified.count()
    client = client_for(hostile_world, forged.who)

    send = getattr(client, forged.method)
    response = send(forged.url(hostile_world), forged.data(hostile_world))
    if response.status_code == 302 and forged.msgid:
        response = client.get(response["Location"])

    assert response.status_code in forged.status, response.status_code
    if forged.msgid:
        assert fragment(forged.msgid) in response.content.decode()
    assert hostile.snapshot() == before
    assert AccessLog.objects.count() == logged
    assert verified.count() == verified_before


def test_every_form_field_that_takes_an_id_is_forged():
    """The forms of "Mi consejo", mentors and constitution requests whose
    fields name objects by id, each with at least one forged case."""
    from councils import forms
    from councils.cadres import forms as cadre_forms

    fields = {
        f"{form.__name__}.{field_name}"
        for form in (
            forms.AttendanceForm,
            forms.MeetingForm,
            cadre_forms.MentorshipForm,
            cadre_forms.EndorsementForm,
            forms.ConstitutionRequestForm,
            forms.FounderForm,
        )
        for field_name, field in form.base_fields.items()
        if hasattr(field, "queryset")
    }
    covered = {
        "AttendanceForm.present": "attendance/member-of-B",
        "MeetingForm.lessons": "meeting/missing-lesson",
        "MeetingForm.facilitator": "meeting/facilitator-of-B",
        "MentorshipForm.mentee": "mentorship/mentee-of-B",
        "MentorshipForm.mentor": "mentorship/missing-mentor",
        "EndorsementForm.member": "endorse/member-of-B",
        "EndorsementForm.role": "endorse/state-role",
        "EndorsementForm.meeting": "endorse/assembly-of-B",
        "ConstitutionRequestForm.state": "request/state-not-a-number",
        "ConstitutionRequestForm.municipality": "request/missing-municipality",
        "FounderForm.role": "request/state-role-for-a-founder",
    }
    assert fields == set(covered)
    assert set(covered.values()) <= set(FORGED)


@pytest.mark.parametrize("view", ["wagtaildocs:add", "wagtailimages:add"])
def test_a_leader_s_forged_collection_is_refused(hostile_world, view):
    """A leader chooses between their council's private collection and the
    public one of councils' pages: another council's collection id, forged in
    the form, is refused with the form's error and nothing is stored."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    world = hostile_world
    model = get_document_model() if "docs" in view else get_image_model()
    name, content = ("acta.pdf", b"%PDF-1.4\n%%EOF\n")
    if "images" in view:
        name, content = ("foto.png", hostile.png_bytes())
    before = model.objects.count()

    response = client_for(world, "leader-A").post(
        reverse(view), upload_to(world.council_b.collection_id, name, content)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["collection"]
    assert model.objects.count() == before
