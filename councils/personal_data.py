"""A member's council records, for their own data export and for deletion."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.registry import PersonalDataSection, register

from .cadres.progress import progress_withdraw
from .models import (
    CalendarFeed,
    ConstitutionFounder,
    MembershipStatus,
    MentorNote,
    Mentorship,
    MentorSignOff,
    ReadyEvent,
    RequestStatus,
)
from .services.membership import mentorships_end


def export_memberships(user):
    return [
        {
            "consejo": row.council.title,
            "estado": row.status,
            "solicitud": row.requested_at.isoformat(),
            "ingreso": row.joined_on.isoformat() if row.joined_on else None,
            "baja": row.left_on.isoformat() if row.left_on else None,
        }
        for row in user.memberships.select_related("council").order_by("requested_at")
    ]


def erase_memberships(user):

    user.memberships.filter(
        status__in=[MembershipStatus.ACTIVE, MembershipStatus.PENDING]
    ).update(status=MembershipStatus.LEFT, left_on=timezone.localdate())
    progress_withdraw(user.pk)  # gone from every dashboard's rows at once


def export_attendance(user):
    return [
        {
            "reunion": str(row.meeting),
            "consejo": row.meeting.council.title,
            "fecha": row.meeting.starts_at.isoformat(),
        }
        for row in user.attendances.select_related("meeting__council").order_by(
            "meeting__starts_at"
        )
    ]


def export_roles(user):
    return [
        {
            "cargo": row.role.name,
            "ambito": row.scope_label,
            "desde": row.started_on.isoformat(),
            "hasta": row.ended_on.isoformat() if row.ended_on else None,
        }
        for row in user.role_assignments.select_related(
            "role", "council", "state"
        ).order_by("started_on")
    ]


def erase_roles(user):
    """A deleted account holds no office from today on, and is no longer
    announced to leaders (dashboard, digest) as ready for one."""

    ReadyEvent.objects.filter(user=user).delete()
    today = timezone.localdate()
    # Held today or endorsed to start later: none will be held.
    for assignment in user.role_assignments.not_ended():
        assignment.ended_on = max(today, assignment.started_on)
        assignment.save(update_fields=["ended_on"])


def export_requests(user):
    return [
        {
            "consejo_propuesto": row.proposed_name,
            "estado": row.state.name,
            "situacion": row.status,
            "enviada": row.created_at.isoformat(),
        }
        for row in user.constitution_requests.select_related("state")
    ]


def export_founding(user):
    """Requests to constitute a council that name the person as a founder."""

    return [
        {
            "consejo_propuesto": row.request.proposed_name,
            "nombre": row.full_name,
            "telefono": row.phone,
            "confirmado": row.confirmed_at.isoformat() if row.confirmed_at else None,
        }
        for row in ConstitutionFounder.objects.filter(user=user)
        .select_related("request")
        .order_by("pk")
    ]


def erase_founding(user):
    """A deleted account is no founder of anything: the name and phone the
    requester typed for them go, and the link to the account."""

    ConstitutionFounder.objects.filter(user=user).update(
        full_name="", phone="", user=None, confirmed_at=None
    )


def export_mentoring(user):
    """Who accompanies the person (and the notes about them), whom they
    accompany, and the sign-offs they received."""

    received = Mentorship.objects.filter(mentee=user).select_related("mentor")
    given = Mentorship.objects.filter(mentor=user).select_related("mentee")
    return {
        "me_acompanan": [
            {
                "acompanante": str(row.mentor),
                "desde": row.started_on.isoformat(),
                "hasta": row.ended_on.isoformat() if row.ended_on else None,
            }
            for row in received
        ],
        "notas_sobre_mi": [
            {"fecha": note.met_on.isoformat(), "nota": note.text}
            for note in MentorNote.objects.filter(mentorship__mentee=user)
        ],
        "acompano_a": [
            {"integrante": str(row.mentee), "desde": row.started_on.isoformat()}
            for row in given
        ],
        "avales": [
            {"cargo": row.role.name, "fecha": row.signed_at.isoformat()}
            for row in MentorSignOff.objects.filter(mentee=user).select_related("role")
        ],
    }


def erase_mentoring(user):
    """No one accompanies a deleted account, and the notes about them go."""

    MentorNote.objects.filter(mentorship__mentee=user).delete()
    mentorships_end(user.pk)


def export_calendar(user):
    """When the secret calendar address was made; not the address itself (a
    downloaded file travels further than the page that shows it)."""

    return [
        {"creada": row.created_at.isoformat()}
        for row in CalendarFeed.objects.filter(user=user)
    ]


def erase_calendar(user):
    """A deleted account's calendar address stops working."""

    CalendarFeed.objects.filter(user=user).delete()


def connect():

    register(
        PersonalDataSection(
            "consejos",
            _("Council memberships"),
            export_memberships,
            erase_memberships,
            fields={
                "consejo": _("Council"),
                "estado": _("Status"),
                "solicitud": _("Requested on"),
                "ingreso": _("Joined on"),
                "baja": _("Left on"),
            },
            choices={"estado": MembershipStatus},
        )
    )
    register(
        PersonalDataSection(
            "asistencias",
            _("Attendance"),
            export_attendance,
            fields={
                "reunion": _("Meeting"),
                "consejo": _("Council"),
                "fecha": _("Date"),
            },
        )
    )
    register(
        PersonalDataSection(
            "cargos",
            _("Roles held"),
            export_roles,
            erase_roles,
            fields={
                "cargo": _("Role"),
                "ambito": _("Where"),
                "desde": _("Since"),
                "hasta": _("Until"),
            },
        )
    )
    register(
        PersonalDataSection(
            "acompanamiento",
            _("Mentoring"),
            export_mentoring,
            erase_mentoring,
            part_labels={
                "me_acompanan": _("Who accompanies me"),
                "notas_sobre_mi": _("Notes about me"),
                "acompano_a": _("Whom I accompany"),
                "avales": _("Sign-offs I received"),
            },
            fields={
                "acompanante": _("Mentor"),
                "integrante": _("Member"),
                "cargo": _("Role"),
                "fecha": _("Date"),
                "nota": _("Note"),
                "desde": _("Since"),
                "hasta": _("Until"),
            },
        )
    )
    register(
        PersonalDataSection(
            "constituciones",
            _("Council constitution requests"),
            export_requests,
            fields={
                "consejo_propuesto": _("Proposed council"),
                "estado": _("State"),
                "situacion": _("Status"),
                "enviada": _("Sent on"),
            },
            choices={"situacion": RequestStatus},
        )
    )
    register(
        PersonalDataSection(
            "fundaciones",
            _("Named as a founder of a council"),
            export_founding,
            erase_founding,
            fields={
                "consejo_propuesto": _("Proposed council"),
                "nombre": _("Name"),
                "telefono": _("Phone"),
                "confirmado": _("Confirmed on"),
            },
        )
    )
    register(
        PersonalDataSection(
            "calendario",
            _("My calendar's secret address"),
            export_calendar,
            erase_calendar,
            fields={"creada": _("Created on")},
        )
    )
