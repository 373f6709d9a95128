"""bench_load prepares signed-in members that really are signed in (their
sessions and CSRF tokens work against the site) and writes its own section of
docs/benchmarks.md; it refuses to run without PostgreSQL and Redis. The load
run itself (gunicorn, a worker, locust) is `make load`."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from bench import report
from bench.management.commands.bench_load import _members, _plan
from courses.models import LessonCompletion
from tests.bench.test_bench_data import build

pytestmark = pytest.mark.django_db


def client_of(member):
    client = Client(enforce_csrf_checks=True)
    for pair in member["cookie"].split("; "):
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    return client


def test_the_prepared_members_are_signed_in_and_may_complete_lessons():
    build()
    members = _members(3)
    plan = _plan(members, settings.SECRET_KEY)
    assert len(plan["members"]) == 3
    (user, course), member = members[0], plan["members"][0]
    client = client_of(member)

    lesson = client.get(member["lessons"][0])
    formation = client.get("/mi-formacion/")

    assert lesson.status_code == formation.status_code == 200
    assert lesson.context["request"].user == user
    response = client.post(
        member["lessons"][0] + "completar/", {"csrfmiddlewaretoken": member["csrf"]}
    )
    assert response.status_code == 302
    assert LessonCompletion.objects.filter(user=user, course=course).exists()
    # Without the token the same POST is refused.
    response = client.post(member["lessons"][1] + "completar/")
    assert response.status_code == 403


def test_a_session_made_with_another_secret_key_signs_nobody_in():
    build()
    member = _plan(_members(1), "another-" + "x" * 50)["members"][0]

    response = client_of(member).get("/mi-formacion/")

    assert response.status_code == 302
    assert "/cuenta/entrar/" in response["Location"]


def test_bench_load_refuses_without_postgresql_or_redis(settings):
    settings.REDIS_URL = ""
    message = "PostgreSQL" if connection.vendor != "postgresql" else "REDIS_URL"
    with pytest.raises(CommandError, match=message):
        call_command("bench_load", stdout=StringIO())


def test_its_section_replaces_itself_and_keeps_the_rest(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Other\n\nKeep me.\n")
    heading = "## Load: members studying at the same time"

    report.replace_section(path, heading, f"{heading}\n\nFirst.\n")
    report.replace_section(path, heading, f"{heading}\n\nSecond.\n")

    text = path.read_text()
    assert text.count(heading) == 1
    assert "Second." in text and "First." not in text
    assert "## Other\n\nKeep me.\n" in text
