"""The member's learning records, for their own data export and for deletion."""

from django.utils.translation import gettext_lazy as _

from members.registry import PersonalDataSection, register

from .models import CompletionSource
from .services import certificates_revoke_for


def export_enrollments(user):
    return [
        {
            "curso": row.course.title,
            "inscripcion": row.enrolled_at.isoformat(),
            "terminado": row.completed_at.isoformat() if row.completed_at else None,
        }
        for row in user.enrollments.select_related("course").order_by("enrolled_at")
    ]


def export_completions(user):
    return [
        {
            "leccion": row.lesson.title,
            "curso": row.course.title,
            "forma": row.source,
            "fecha": row.completed_at.isoformat(),
        }
        for row in user.lesson_completions.select_related("lesson", "course").order_by(
            "completed_at"
        )
    ]


def export_attempts(user):
    return [
        {
            "leccion": row.lesson.title,
            "calificacion": row.score,
            "aprobada": row.passed,
            "fecha": row.created_at.isoformat(),
            "respuestas": row.answers,
        }
        for row in user.quiz_attempts.select_related("lesson").order_by("created_at")
    ]


def export_certificates(user):
    return [
        {
            "curso": row.course_title,
            "codigo": row.code,
            "emitida": row.issued_at.isoformat(),
            "valida": row.is_valid,
        }
        for row in user.certificates.order_by("issued_at")
    ]


def export_axis_follows(user):
    return [
        {"eje": row.axis.name, "desde": row.created_at.isoformat()}
        for row in user.axis_follows.select_related("axis").order_by("axis__number")
    ]


def erase_axis_follows(user):
    user.axis_follows.all().delete()


def erase_certificates(user):
    certificates_revoke_for(user)


def connect():
    register(
        PersonalDataSection(
            "inscripciones",
            _("Enrolments"),
            export_enrollments,
            fields={
                "curso": _("Course"),
                "inscripcion": _("Enrolled on"),
                "terminado": _("Completed on"),
            },
        )
    )
    register(
        PersonalDataSection(
            "lecciones",
            _("Completed lessons"),
            export_completions,
            fields={
                "leccion": _("Lesson"),
                "curso": _("Course"),
                "forma": _("How"),
                "fecha": _("Date"),
            },
            choices={"forma": CompletionSource},
        )
    )
    register(
        PersonalDataSection(
            "autoevaluaciones",
            _("Quiz attempts"),
            export_attempts,
            fields={
                "leccion": _("Lesson"),
                "calificacion": _("Score (%)"),
                "aprobada": _("Passed"),
                "fecha": _("Date"),
            },
            download_only=("respuestas",),
        )
    )
    register(
        PersonalDataSection(
            "constancias",
            _("Constancias"),
            export_certificates,
            erase_certificates,
            fields={
                "curso": _("Course"),
                "codigo": _("Verification code"),
                "emitida": _("Issued on"),
                "valida": _("Valid"),
            },
        )
    )
    register(
        PersonalDataSection(
            "ejes_seguidos",
            _("Axes I follow (new courses)"),
            export_axis_follows,
            erase_axis_follows,
            fields={"eje": _("Axis"), "desde": _("Since")},
        )
    )
