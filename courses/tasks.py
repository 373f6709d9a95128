from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def build_course_booklet(course_id):
    """Produce the course's printable cuadernillo after it or a lesson is published."""
    booklet = services.course_booklet_build(course_id=course_id)
    return booklet.fingerprint if booklet else None


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def issue_certificate(user_id, course_id):
    """Issue (PDF, e-mail) the constancia of a course the person has completed."""
    certificate = services.certificate_issue(user_id=user_id, course_id=course_id)
    return certificate.code if certificate else None
