from celery import shared_task

from outbox.tasks import RETRY

from . import services

# Each task is idempotent (see services) and acknowledged only once it has run:
# a worker killed mid-task hands it to another (settings: acks_late,
# BROKER_VISIBILITY_TIMEOUT). A database that is briefly unreachable, or a
# file or mail server error (OSError, which SMTP errors are), is retried with
# exponential backoff and jitter, at most ten minutes apart (outbox.tasks.RETRY).


@shared_task(**RETRY)
def build_course_booklet(course_id):
    """Produce the course's printable cuadernillo after it or a lesson is published."""
    booklet = services.course_booklet_build(course_id=course_id)
    return booklet.fingerprint if booklet else None


@shared_task(**RETRY)
def check_course_completions(course_id):
    """A lesson left the course: complete it for whoever has done the rest."""
    return services.course_completions_check(course_id=course_id)


@shared_task(**RETRY)
def issue_certificate(user_id, course_id):
    """Issue (PDF, e-mail) the constancia of a course the person has completed."""
    certificate = services.certificate_issue(user_id=user_id, course_id=course_id)
    return certificate.code if certificate else None


@shared_task(**RETRY)
def announce_course(course_id):
    """A course was first published: tell the followers of its axis."""
    return services.course_announce(course_id)


@shared_task(**RETRY)
def make_page_renditions(page_id):
    """A course or lesson was published: its images' sizes, off the request path."""
    return services.page_renditions_make(page_id=page_id)
