"""Formación de cuadros workflows: a leader pairs members with mentors of the
same council, the mentor follows the mentee, writes dated notes and signs off
the requirement that asks for it; offices endorsed by a closed assembly with
its acta; requirement cycles and broken requirements refused in the admin; who
became ready, and the leaders' weekly digest."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from councils.cadres.readiness import member_readiness
from councils.cadres.services import (
    digests_send,
    mentorship_pair,
    ready_members_detect,
    week_start,
)
from councils.factories import assign, join, make_council, make_person, role
from councils.models import (
    Attendance,
    DigestDelivery,
    DigestOptOut,
    LeadershipRole,
    Meeting,
    MeetingKind,
    Membership,
    MembershipStatus,
    MentorNote,
    Mentorship,
    MentorSignOff,
    ReadyEvent,
    RequirementKind,
    RoleAssignment,
    RoleRequirement,
)
from courses.models import Enrollment
from notifications.models import Notice, Status
from tests.conftest import PASSWORD
from tests.councils.helpers import admin_url, messages_of, signed_in, spanish, text_of
from tests.courses.learning_fixtures import make_course
from tests.notifications.conftest import consent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_up")]

MENTEES = "/mi-formacion/acompanamiento/"
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)
NOTE = "La asamblea del 3 de marzo lo eligió aunque aún no cumple las horas."


def refused(response):
    """The Wagtail admin turns PermissionDenied into a redirect to its home."""
    return response.status_code in (302, 403, 404)


def mentee_url(mentorship):
    return f"{MENTEES}{mentorship.pk}/"


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def closed_circle(council, attendees, *, minutes=240, when=None):
    circle = Meeting.objects.create(
        council=council,
        kind=MeetingKind.CIRCLE,
        starts_at=when or days_ago(2),
        duration_minutes=minutes,
        closed_at=timezone.now(),
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=circle, user=person) for person in attendees]
    )
    return circle


def make_ready_for_promoter(person, council):
    """Meets the seeded requirements of "Promotor/a comunitario/a": two closed
    circles attended, 8 hours of study, 3 months of membership."""
    Membership.objects.filter(user=person, council=council).update(
        joined_on=timezone.localdate() - timedelta(days=100)
    )
    closed_circle(council, [person])
    closed_circle(council, [person])


def acta(council):
    return get_document_model().objects.create(
        title="Acta de asamblea",
        file=SimpleUploadedFile("acta.pdf", PDF, content_type="application/pdf"),
        collection=council.collection,
    )


def assembly(council, *, closed=True, with_acta=True, kind=MeetingKind.ORDINARY):
    return Meeting.objects.create(
        council=council,
        kind=kind,
        title="Asamblea de marzo",
        starts_at=days_ago(3),
        closed_at=timezone.now() if closed else None,
        acta=acta(council) if with_acta else None,
    )


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
def other_council(db):
    return make_council("Consejo Oblatos", municipality_code="120", publish=False)


@pytest.fixture
def leader(council):
    person = make_person(
        "ana.lider", first_name="Ana", last_name="Lideresa", email="ana@example.org"
    )
    assign(person, "coordinador-de-consejo", council=council)
    consent(person)  # to notices: the weekly digest is one
    return person


@pytest.fixture
def leader_client(leader):
    return signed_in(leader)


def member(username, first_name, council, **fields):
    person = make_person(
        username, first_name=first_name, last_name="Tlaloc", password=PASSWORD, **fields
    )
    join(person, council)
    return person


@pytest.fixture
def juana(council):
    return member("juana", "Juana", council)


@pytest.fixture
def marta(council):
    return member("marta", "Marta", council)


@pytest.fixture
def rosa(council):
    return member("rosa", "Rosa", council)


@pytest.fixture
def stranger(other_council):
    return member("otra", "Otilia", other_council)


# Pairing mentors


def test_a_leader_pairs_a_member_with_a_mentor_of_the_council(
    council, leader, leader_client, juana, marta
):
    response = leader_client.post(
        admin_url("mentorships", council.pk), {"mentee": juana.pk, "mentor": marta.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == admin_url("mentorships", council.pk)
    pair = Mentorship.objects.get()
    assert (pair.council, pair.mentor, pair.mentee) == (council, marta, juana)
    assert pair.created_by == leader
    assert pair.ended_on is None
    assert spanish("The mentor will accompany the member.") in messages_of(response)
    listing = text_of(leader_client.get(admin_url("mentorships", council.pk)))
    assert "Juana Tlaloc" in listing
    assert "Marta Tlaloc" in listing


def test_a_mentor_from_another_council_is_refused(
    council, leader_client, juana, stranger
):
    response = leader_client.post(
        admin_url("mentorships", council.pk),
        {"mentee": juana.pk, "mentor": stranger.pk},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["mentor"] == [
        spanish("The mentor must be an active member of this council.")
    ]
    assert spanish("The mentor must be an active member of this council.") in (
        text_of(response)
    )
    assert not Mentorship.objects.exists()


def test_a_member_cannot_be_their_own_mentor(council, leader_client, juana):
    response = leader_client.post(
        admin_url("mentorships", council.pk), {"mentee": juana.pk, "mentor": juana.pk}
    )

    assert response.status_code == 200
    assert spanish("A person cannot be their own mentor.") in messages_of(response)
    assert not Mentorship.objects.exists()


def test_a_member_who_left_cannot_be_paired(council, leader_client, juana, marta):
    Membership.objects.filter(user=marta).update(status=MembershipStatus.LEFT)

    response = leader_client.post(
        admin_url("mentorships", council.pk), {"mentee": juana.pk, "mentor": marta.pk}
    )

    assert response.status_code == 400
    assert not Mentorship.objects.exists()


def test_another_council_s_leader_cannot_pair_here(
    council, other_council, juana, marta
):
    other_leader = make_person("beto.lider")
    assign(other_leader, "coordinador-de-consejo", council=other_council)

    response = signed_in(other_leader).post(
        admin_url("mentorships", council.pk), {"mentee": juana.pk, "mentor": marta.pk}
    )

    assert refused(response)
    assert not Mentorship.objects.exists()


def test_pairing_again_ends_the_previous_mentorship(
    council, leader_client, juana, marta, rosa
):
    url = admin_url("mentorships", council.pk)
    leader_client.post(url, {"mentee": juana.pk, "mentor": marta.pk})

    leader_client.post(url, {"mentee": juana.pk, "mentor": rosa.pk})

    first, second = Mentorship.objects.order_by("pk")
    assert first.mentor == marta
    assert first.ended_on == timezone.localdate()
    assert second.mentor == rosa
    assert second.ended_on is None
    assert Mentorship.objects.active().filter(mentee=juana).count() == 1
    # The former mentor no longer reaches the mentee.
    assert signed_in(marta).get(mentee_url(first)).status_code == 404
    assert signed_in(rosa).get(mentee_url(second)).status_code == 200


# The mentor's side


@pytest.fixture
def mentorship(council, leader, juana, marta):
    # The mentee holds "Promotor/a comunitario/a": their next role is
    # "Coordinador/a de consejo", which asks for the mentor's sign-off.
    assign(juana, "promotor-comunitario", council=council)
    return mentorship_pair(
        council=council, actor=leader, mentee_id=juana.pk, mentor_id=marta.pk
    )


def sign_off_result(person):
    route = member_readiness(person)
    return next(
        result
        for result in route.readiness.results
        if result.requirement.kind == RequirementKind.MENTOR_SIGN_OFF
    )


def test_the_mentor_sees_the_mentee_and_their_progress(mentorship, juana, marta):
    client = signed_in(marta)

    listing = client.get(MENTEES)
    detail = client.get(mentee_url(mentorship))

    assert listing.status_code == 200
    assert "Juana Tlaloc" in text_of(listing)
    assert mentee_url(mentorship) in listing.content.decode()
    assert detail.status_code == 200
    route = detail.context["route"]
    assert route.next_role.slug == "coordinador-de-consejo"
    page = text_of(detail)
    toward = gettext("%(percent)s%% toward %(role)s") % {
        "percent": route.percent,
        "role": "Coordinador/a de consejo",
    }
    assert toward in page
    assert gettext("Sign off for %(role)s") % {"role": "Coordinador/a de consejo"} in (
        page
    )
    assert detail.context["signable"].slug == "coordinador-de-consejo"


def test_the_mentor_records_a_dated_note(mentorship, marta):
    client = signed_in(marta)
    met_on = timezone.localdate() - timedelta(days=2)

    response = client.post(
        mentee_url(mentorship),
        {
            "action": "nota",
            "met_on": met_on.isoformat(),
            "text": "  Hablamos del eje 3. ",
        },
    )

    assert response.status_code == 302
    note = MentorNote.objects.get()
    assert (note.mentorship, note.met_on, note.text) == (
        mentorship,
        met_on,
        "Hablamos del eje 3.",
    )
    assert spanish("The note was saved.") in messages_of(response)
    assert "Hablamos del eje 3." in text_of(client.get(mentee_url(mentorship)))


def test_a_note_dated_in_the_future_is_refused(mentorship, marta):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = signed_in(marta).post(
        mentee_url(mentorship),
        {"action": "nota", "met_on": tomorrow.isoformat(), "text": "Adelantada"},
    )

    assert response.status_code in (200, 400)
    assert spanish("The date of a check-in cannot be in the future.") in (
        messages_of(response)
    )
    assert not MentorNote.objects.exists()


def test_a_note_without_text_is_refused(mentorship, marta):
    response = signed_in(marta).post(
        mentee_url(mentorship),
        {"action": "nota", "met_on": timezone.localdate().isoformat(), "text": ""},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert not MentorNote.objects.exists()


def test_the_mentor_signs_off_and_the_requirement_is_met(mentorship, juana, marta):
    assert sign_off_result(juana).met is False
    client = signed_in(marta)

    response = client.post(mentee_url(mentorship), {"action": "aval"})

    assert response.status_code == 302
    assert spanish("Your sign-off was recorded.") in messages_of(response)
    sign_off = MentorSignOff.objects.get()
    assert (sign_off.mentee, sign_off.role.slug, sign_off.signed_by) == (
        juana,
        "coordinador-de-consejo",
        marta,
    )
    assert sign_off_result(juana).met is True
    again = client.get(mentee_url(mentorship))
    assert again.context["signable"] is None
    # Signing again changes nothing.
    client.post(mentee_url(mentorship), {"action": "aval"})
    assert MentorSignOff.objects.count() == 1


def test_no_sign_off_when_the_next_role_does_not_ask_for_it(
    council, leader, rosa, marta
):
    # Rosa's next role is "Promotor/a comunitario/a": no sign-off there.
    pair = mentorship_pair(
        council=council, actor=leader, mentee_id=rosa.pk, mentor_id=marta.pk
    )
    client = signed_in(marta)

    assert client.get(mentee_url(pair)).context["signable"] is None
    client.post(mentee_url(pair), {"action": "aval"})
    assert not MentorSignOff.objects.exists()


def test_nobody_but_the_mentor_opens_the_mentorship(
    client, mentorship, leader, juana, rosa
):
    for person in (juana, rosa, leader):
        other = signed_in(person)
        assert other.get(mentee_url(mentorship)).status_code == 404
        assert other.post(mentee_url(mentorship), {"action": "aval"}).status_code == (
            404
        )
        assert "Juana" not in text_of(other.get(MENTEES))
    assert client.get(mentee_url(mentorship)).status_code == 302  # to sign in
    assert signed_in(rosa).get(f"{MENTEES}999999/").status_code == 404
    assert not MentorSignOff.objects.exists()


# Endorsement by the assembly


def can_edit(council, person):
    """Whether ``person`` may edit the council's page (a fresh user object:
    Wagtail caches permissions on the one it was given)."""
    return council.permissions_for_user(
        type(person).objects.get(pk=person.pk)
    ).can_edit()


def endorse(client, council, person, role_slug, meeting, note=""):
    return client.post(
        admin_url("role_endorse", council.pk),
        {
            "member": person.pk,
            "role": role(role_slug).pk,
            "meeting": meeting.pk if meeting else "",
            "started_on": timezone.localdate().isoformat(),
            "note": note,
        },
    )


def test_a_member_not_ready_needs_a_note_and_sees_what_is_missing(
    council, leader_client, juana
):
    meeting = assembly(council)

    response = endorse(leader_client, council, juana, "coordinador-de-consejo", meeting)

    assert response.status_code == 400
    assert spanish(
        "The person does not meet every requirement yet. Write a note to record "
        "the assembly's decision anyway."
    ) in messages_of(response)
    missing = response.context["readiness"].readiness.missing
    assert missing
    page = text_of(response)
    for item in missing:
        assert item.missing in page
    hold = gettext("to hold the role %(role)s") % {"role": "Promotor/a comunitario/a"}
    assert hold in page
    assert not RoleAssignment.objects.filter(user=juana).exists()


def test_with_a_note_the_role_is_recorded_and_rights_follow(
    council, leader, leader_client, juana
):
    meeting = assembly(council)
    assert not can_edit(council, juana)

    response = endorse(
        leader_client, council, juana, "coordinador-de-consejo", meeting, note=NOTE
    )

    assert response.status_code == 302
    assert response["Location"] == admin_url("council", council.pk)
    assignment = RoleAssignment.objects.get(user=juana)
    assert assignment.role.slug == "coordinador-de-consejo"
    assert assignment.council == council
    assert assignment.endorsing_meeting == meeting
    assert assignment.note == NOTE
    assert assignment.recorded_by == leader
    assert assignment.started_on == timezone.localdate()
    assert gettext("%(name)s now holds the role %(role)s.") % {
        "name": juana,
        "role": "Coordinador/a de consejo",
    } in messages_of(response)
    # Her Wagtail groups follow: a leading role edits the council's page.
    assert juana.groups.filter(pk=council.group_id).exists()
    assert can_edit(council, juana)
    # The dashboard shows her with the role.
    rows = leader_client.get(admin_url("cadre_dashboard")).context["dashboard"].members
    row = next(row for row in rows if row["user_id"] == juana.pk)
    assert row["roles"] == "Coordinador/a de consejo"
    assert row["current_role"] == "Coordinador/a de consejo"
    assert row["next_role"] == "Coordinador/a estatal"


def test_a_ready_member_is_endorsed_without_a_note(council, leader_client, rosa):
    make_ready_for_promoter(rosa, council)
    meeting = assembly(council, kind=MeetingKind.EXTRAORDINARY)

    response = endorse(leader_client, council, rosa, "promotor-comunitario", meeting)

    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=rosa)
    assert assignment.role.slug == "promotor-comunitario"
    assert assignment.note == ""
    assert assignment.endorsing_meeting == meeting
    # Not a leading role: no rights on the page.
    assert not can_edit(council, rosa)


def test_endorsing_an_office_already_held_is_refused_and_adds_nothing(
    council, leader_client, rosa
):
    make_ready_for_promoter(rosa, council)
    meeting = assembly(council, kind=MeetingKind.EXTRAORDINARY)
    endorse(leader_client, council, rosa, "promotor-comunitario", meeting)

    again = endorse(leader_client, council, rosa, "promotor-comunitario", meeting)

    assert RoleAssignment.objects.filter(user=rosa).count() == 1
    assert (
        "Esa persona ya tiene este cargo en este consejo."
        in " ".join(messages_of(again)) + again.content.decode()
    )


@pytest.mark.parametrize(
    "which", ["open", "circle", "without_acta", "other_council", "none"]
)
def test_only_a_closed_assembly_of_the_council_with_acta_endorses(
    council, other_council, leader_client, juana, which
):
    meeting = {
        "open": lambda: assembly(council, closed=False),
        "circle": lambda: Meeting.objects.create(
            council=council,
            kind=MeetingKind.CIRCLE,
            starts_at=days_ago(3),
            closed_at=timezone.now(),
            acta=acta(council),
        ),
        "without_acta": lambda: assembly(council, with_acta=False),
        "other_council": lambda: assembly(other_council),
        "none": lambda: None,
    }[which]()

    response = endorse(
        leader_client, council, juana, "coordinador-de-consejo", meeting, note=NOTE
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["meeting"]
    if meeting is not None:
        assert errors == [
            spanish("Choose a closed assembly of this council that has its acta.")
        ]
    assert not RoleAssignment.objects.filter(user=juana).exists()


def test_only_council_roles_and_council_members_are_endorsed(
    council, leader_client, juana, stranger
):
    meeting = assembly(council)

    state_role = endorse(
        leader_client, council, juana, "coordinador-estatal", meeting, note=NOTE
    )
    outsider = endorse(
        leader_client, council, stranger, "promotor-comunitario", meeting, note=NOTE
    )

    assert state_role.status_code == 400
    assert state_role.context["form"].errors["role"]
    assert outsider.status_code == 400
    assert outsider.context["form"].errors["member"] == [
        spanish("That person is not an active member of this council.")
    ]
    assert not RoleAssignment.objects.filter(user__in=[juana, stranger]).exists()


def test_the_endorsement_form_offers_only_endorsing_assemblies(
    council, other_council, leader_client
):
    good = assembly(council)
    assembly(council, closed=False)
    assembly(council, with_acta=False)
    assembly(other_council)

    response = leader_client.get(admin_url("role_endorse", council.pk))

    assert response.status_code == 200
    assert list(response.context["form"].fields["meeting"].queryset) == [good]


# Requirements in the admin


def role_edit_url(leadership_role):
    return f"/admin/snippets/councils/leadershiprole/edit/{leadership_role.pk}/"


def requirement_form(kind, *, course="", axis="", number="", required_role=""):
    return {
        "kind": kind,
        "course": course,
        "axis": axis,
        "number": number,
        "required_role": required_role,
    }


def role_post(leadership_role, requirements):
    """The snippet's edit form, with ``requirements`` as its inline forms."""
    existing = [
        {**requirement_form(r.kind), "id": r.pk, "ORDER": n}
        for n, r in enumerate(leadership_role.requirements.all())
    ]
    return nested_form_data(
        {
            "name": leadership_role.name,
            "slug": leadership_role.slug,
            "scope_level": leadership_role.scope_level,
            "sort_order": leadership_role.sort_order,
            "description": leadership_role.description,
            "requirements": inline_formset(
                existing
                + [
                    {**form, "id": "", "ORDER": len(existing) + n}
                    for n, form in enumerate(requirements)
                ],
                initial=len(existing),
            ),
        }
    )


@pytest.fixture
def roles_a_and_b(db):
    first = LeadershipRole.objects.create(
        name="Rol A", slug="rol-a", scope_level="consejo", sort_order=91
    )
    second = LeadershipRole.objects.create(
        name="Rol B", slug="rol-b", scope_level="consejo", sort_order=92
    )
    return first, second


def test_a_valid_requirement_is_saved_from_the_snippet_form(superuser, roles_a_and_b):
    _first, second = roles_a_and_b

    response = signed_in(superuser).post(
        role_edit_url(second),
        role_post(
            second,
            [
                requirement_form(
                    RequirementKind.ROLE_HELD, required_role=role("integrante").pk
                ),
                requirement_form(RequirementKind.HOURS, number=12),
            ],
        ),
    )

    assert response.status_code == 302
    saved = list(second.requirements.order_by("sort_order"))
    assert [(r.kind, r.required_role_id, r.number) for r in saved] == [
        (RequirementKind.ROLE_HELD, role("integrante").pk, None),
        (RequirementKind.HOURS, None, 12),
    ]


def test_a_requirement_cycle_is_refused(superuser, roles_a_and_b):
    first, second = roles_a_and_b
    RoleRequirement.objects.create(
        role=first, kind=RequirementKind.ROLE_HELD, required_role=second
    )
    before = RoleRequirement.objects.count()

    response = signed_in(superuser).post(
        role_edit_url(second),
        role_post(
            second,
            [requirement_form(RequirementKind.ROLE_HELD, required_role=first.pk)],
        ),
    )

    assert response.status_code == 200
    message = spanish(
        "These requirements form a cycle: this role would end up requiring itself, "
        "so nobody could ever reach it."
    )
    assert "ciclo" in message
    assert message in response.context["form"].non_field_errors()
    assert message in text_of(response)
    assert not second.requirements.exists()
    assert RoleRequirement.objects.count() == before


def test_a_longer_cycle_and_a_role_requiring_itself_are_refused(
    superuser, roles_a_and_b
):
    first, second = roles_a_and_b
    third = LeadershipRole.objects.create(
        name="Rol C", slug="rol-c", scope_level="consejo", sort_order=93
    )
    # A needs B, B needs C: C may not need A.
    RoleRequirement.objects.create(
        role=first, kind=RequirementKind.ROLE_HELD, required_role=second
    )
    RoleRequirement.objects.create(
        role=second, kind=RequirementKind.ROLE_HELD, required_role=third
    )
    client = signed_in(superuser)

    longer = client.post(
        role_edit_url(third),
        role_post(
            third, [requirement_form(RequirementKind.ROLE_HELD, required_role=first.pk)]
        ),
    )
    itself = client.post(
        role_edit_url(third),
        role_post(
            third, [requirement_form(RequirementKind.ROLE_HELD, required_role=third.pk)]
        ),
    )

    for response in (longer, itself):
        assert response.status_code == 200
        assert "ciclo" in " ".join(response.context["form"].non_field_errors())
    assert not third.requirements.exists()


@pytest.mark.parametrize(
    ("requirement", "errors"),
    [
        (requirement_form(RequirementKind.COURSE), {"course": "Choose the course."}),
        (
            requirement_form(RequirementKind.AXIS_COURSES),
            {"axis": "Choose the axis.", "number": "Write how many (at least 1)."},
        ),
        (
            requirement_form(RequirementKind.AXIS_COURSES, number=2),
            {"axis": "Choose the axis."},
        ),
    ],
)
def test_a_requirement_missing_what_its_kind_needs_is_refused(
    superuser, roles_a_and_b, requirement, errors
):
    _first, second = roles_a_and_b

    response = signed_in(superuser).post(
        role_edit_url(second), role_post(second, [requirement])
    )

    assert response.status_code == 200
    formset = response.context["form"].formsets["requirements"]
    assert {
        field: [str(e) for e in messages]
        for field, messages in formset.forms[0].errors.items()
    } == {field: [spanish(message)] for field, message in errors.items()}
    assert not second.requirements.exists()


def test_a_requirement_whose_course_was_deleted_is_not_met(council, juana):
    course = make_course("Asambleas que deciden", axis_number=1, publish=False)
    requirement = RoleRequirement.objects.create(
        role=role("promotor-comunitario"),
        kind=RequirementKind.COURSE,
        course=course,
        sort_order=90,
    )
    Enrollment.objects.create(user=juana, course=course, completed_at=timezone.now())

    def result():
        route = member_readiness(juana, role("promotor-comunitario"))
        return next(
            r for r in route.readiness.results if r.requirement.pk == requirement.pk
        )

    assert result().met is True
    course.delete()
    requirement.refresh_from_db()
    assert requirement.course is None

    broken = result()
    assert broken.met is False
    assert broken.missing == spanish(
        "the course of this requirement no longer exists; ask the team"
    )


# Who became ready, and the weekly digest


@pytest.fixture
def ready_rosa(council, rosa):
    make_ready_for_promoter(rosa, council)
    return rosa


def test_a_member_who_becomes_ready_is_recorded_once(
    council, leader_client, ready_rosa, juana
):
    assert ready_members_detect() == 1
    assert ready_members_detect() == 0

    event = ReadyEvent.objects.get()
    assert (event.user, event.role.slug, event.council) == (
        ready_rosa,
        "promotor-comunitario",
        council,
    )
    response = leader_client.get(admin_url("cadre_dashboard"))
    assert response.context["dashboard"].ready_events == [event]
    page = text_of(response)
    heading = spanish("Recently ready for their next role")
    assert heading in page
    assert "Rosa Tlaloc — Promotor/a comunitario/a" in page.split(heading, 1)[1]


def test_a_member_short_of_one_requirement_is_not_recorded(council, rosa):
    Membership.objects.filter(user=rosa).update(
        joined_on=timezone.localdate() - timedelta(days=100)
    )
    closed_circle(council, [rosa])  # one circle of two

    assert ready_members_detect() == 0
    assert not ReadyEvent.objects.exists()


@pytest.fixture
def week(council, leader, juana, ready_rosa, second_leader):
    """A week in the council: Juana finished a course, Rosa became ready, Marta
    joined and has done nothing yet (new, not inactive); Nora joined six weeks
    ago and has done nothing since (inactive)."""
    course = make_course("Economía solidaria", axis_number=2, publish=False)
    Enrollment.objects.create(user=juana, course=course, completed_at=timezone.now())
    Membership.objects.filter(user=juana).update(
        joined_on=timezone.localdate() - timedelta(days=60)
    )
    marta = member("marta", "Marta", council)
    nora = member("nora", "Nora", council)
    Membership.objects.filter(user=nora).update(
        joined_on=timezone.localdate() - timedelta(days=42)
    )
    ready_members_detect()
    return {"course": course, "marta": marta}


@pytest.fixture
def second_leader(council):
    person = make_person("sara.lider", first_name="Sara", email="sara@example.org")
    assign(person, "secretario-de-actas", council=council)
    consent(person)
    return person


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """digests_send, with the notices' delivery that follows its commit."""

    def run(**options):
        with django_capture_on_commit_callbacks(execute=True):
            return digests_send(**options)

    return run


def digest_sections(body):
    """{heading: [lines]} of the digest's sections ("Heading (n):" then "- …"
    lines); the count in the heading must match the lines."""
    found = {}
    for block in body.split("\n\n"):
        head, *lines = block.strip().splitlines()
        if not head.endswith("):"):
            continue
        heading, count = head[:-2].rsplit(" (", 1)
        items = [line.removeprefix("- ") for line in lines] if int(count) else []
        assert int(count) == len(items), block
        found[heading] = items
    return found


def test_each_leader_with_e_mail_gets_the_weekly_digest_once(
    mailoutbox, council, leader, second_leader, week, send
):
    assert send() == 2

    assert sorted(message.to[0] for message in mailoutbox) == [
        "ana@example.org",
        "sara@example.org",
    ]
    message = next(m for m in mailoutbox if m.to == ["ana@example.org"])
    assert message.subject == spanish("Your council this week")
    assert "Consejo Santa Cecilia" in message.body
    assert digest_sections(message.body) == {
        spanish("Ready for their next role"): ["Rosa Tlaloc: Promotor/a comunitario/a"],
        spanish("New members"): ["Marta Tlaloc"],
        spanish("Courses completed"): ["Juana Tlaloc: Economía solidaria"],
        spanish("Inactive for 30 days or more"): ["Nora Tlaloc"],
    }
    delivery = DigestDelivery.objects.get(user=leader)
    assert delivery.week == week_start()
    assert delivery.summary == {
        "consejos": [council.pk],
        "nuevos": 1,
        "terminados": 1,
        "listos": 1,
        "inactivos": 1,
    }

    # The same week again: nobody hears twice.
    assert send() == 0
    assert len(mailoutbox) == 2
    assert DigestDelivery.objects.count() == 2


def test_a_member_accepted_on_last_digest_s_morning_is_not_new_again(
    mailoutbox, council, leader, juana, send
):
    now = timezone.now()
    accepted = now - timedelta(days=7, hours=1)  # before last week's digest
    Membership.objects.filter(user=juana).update(
        decided_at=accepted, joined_on=timezone.localdate(accepted)
    )
    newcomer = member("lupe", "Lupe", council)
    Membership.objects.filter(user=newcomer).update(
        decided_at=now - timedelta(days=6, hours=23)
    )

    send(now=now)

    (message,) = mailoutbox
    sections = digest_sections(message.body)
    assert sections[spanish("New members")] == ["Lupe Tlaloc"]


def test_a_leader_who_opted_out_gets_nothing(
    mailoutbox, council, leader, leader_client, second_leader, week, send
):
    response = leader_client.post(
        admin_url("digest_toggle", council.pk), {"recibir": "0"}
    )

    assert response.status_code == 302
    assert spanish("You will no longer receive the weekly digest.") in messages_of(
        response
    )
    assert DigestOptOut.objects.filter(user=leader).exists()
    assert send() == 1
    assert [message.to for message in mailoutbox] == [["sara@example.org"]]
    assert not DigestDelivery.objects.filter(user=leader).exists()

    # Switched on again, the leader is served (a later week: this one is not
    # served twice to the other leader).
    leader_client.post(admin_url("digest_toggle", council.pk), {"recibir": "1"})
    assert not DigestOptOut.objects.filter(user=leader).exists()
    assert send() == 1
    assert mailoutbox[-1].to == ["ana@example.org"]


def test_a_leader_without_e_mail_or_phone_and_a_plain_member_get_nothing(
    mailoutbox, council, leader, second_leader, week, send
):
    """A leader with no channel: her digest is written (once this week) and
    skipped, never sent; a plain member has no digest at all."""
    type(leader).objects.filter(pk=leader.pk).update(email="")

    assert send() == 2
    assert [message.to for message in mailoutbox] == [["sara@example.org"]]
    notice = Notice.objects.get(user=leader, kind="weekly_digest")
    assert notice.status == Status.SKIPPED
    assert not Notice.objects.filter(kind="weekly_digest").exclude(
        user__in=[leader, second_leader]
    )


def test_a_leader_without_consent_to_notices_gets_no_digest(
    mailoutbox, council, leader, second_leader, week, send
):
    consent(second_leader, granted=False)

    assert send() == 2
    assert [message.to for message in mailoutbox] == [["ana@example.org"]]
    notice = Notice.objects.get(user=second_leader, kind="weekly_digest")
    assert notice.status == Status.SKIPPED


def test_digest_toggle_is_for_leaders_of_the_council(council, juana):
    response = signed_in(juana).post(
        admin_url("digest_toggle", council.pk), {"recibir": "0"}
    )

    assert refused(response)
    assert not DigestOptOut.objects.exists()
