"""``manage.py peer_seed``: a course with one lesson (the text the COCOCI
benchmark's lesson shows), a learner enrolled in it and a session of hers,
made with the server's SECRET_KEY; prints what the benchmark needs as JSON.
Run again, it keeps the course and the learner and makes a new session."""

import json
import re
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site
from wagtail_lms.models import CourseEnrollment, CoursePage, H5PLessonPage

LEARNER = "bench-learner"
BACKEND = "django.contrib.auth.backends.ModelBackend"
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


class Command(BaseCommand):
    help = "A course, a lesson, an enrolled learner and her session."

    def add_arguments(self, parser):
        parser.add_argument("--title", required=True)
        parser.add_argument("--heading", default="")
        parser.add_argument("--text", action="append", default=[])

    def handle(self, *args, **options):
        home = Site.objects.get(is_default_site=True).root_page
        course = CoursePage.objects.child_of(home).filter(slug="curso").first()
        if course is None:
            course = CoursePage(
                title="Curso", slug="curso", description="<p>Curso del benchmark.</p>"
            )
            home.add_child(instance=course)
            course.save_revision().publish()
        body = []
        if options["heading"]:
            body.append(("paragraph", f"<h2>{options['heading']}</h2>"))
        body += [("paragraph", f"<p>{text}</p>") for text in options["text"]]
        lesson = H5PLessonPage.objects.child_of(course).filter(slug="leccion").first()
        if lesson is None:
            lesson = H5PLessonPage(title=options["title"], slug="leccion", body=body)
            course.add_child(instance=lesson)
        else:
            lesson.title, lesson.body = options["title"], body
        lesson.save_revision().publish()

        learner, created = get_user_model().objects.get_or_create(username=LEARNER)
        if created:
            learner.set_unusable_password()
            learner.save()
        CourseEnrollment.objects.get_or_create(user=learner, course=course)

        # The sessions of earlier runs: this database is the benchmark's alone.
        Session.objects.all().delete()
        engine = import_module(settings.SESSION_ENGINE)
        session = engine.SessionStore()
        session[SESSION_KEY] = str(learner.pk)
        session[BACKEND_SESSION_KEY] = BACKEND
        session[HASH_SESSION_KEY] = learner.get_session_auth_hash()
        session.create()

        path = Page.objects.get(pk=lesson.pk).specific.url
        client = Client(raise_request_exception=False)
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            counts.append(len(captured.captured_queries))
        html = response.content.decode()
        found = STYLESHEET.search(html)
        stylesheet = found.group(1) if found else ""
        stylesheet_file = Path(
            settings.STATIC_ROOT, stylesheet.removeprefix("/static/")
        )
        self.stdout.write(
            json.dumps(
                {
                    "path": path,
                    "status": response.status_code,
                    "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                    "session_key": session.session_key,
                    "stylesheet": stylesheet,
                    "stylesheet_bytes": stylesheet_file.stat().st_size
                    if stylesheet and stylesheet_file.is_file()
                    else None,
                    "queries": counts[1],
                    "queries_first": counts[0],
                    "bytes": len(response.content),
                }
            )
        )
