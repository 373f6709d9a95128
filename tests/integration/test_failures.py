"""The failure suite (issue #7): real parts fail, nothing is lost or written twice.

Each case runs against real PostgreSQL, a real Redis and real processes (Celery
workers, the site under gunicorn), never mocks:

1. A worker SIGKILLed in the middle of producing a constancia, or a booklet:
   another worker started afterwards completes the task exactly once (acks_late
   and a short BROKER_VISIBILITY_TIMEOUT hand the message back; the tasks are
   idempotent and write their PDF whole, under a name a retry overwrites). Only
   its pool process killed: the worker itself runs it again at once
   (reject_on_worker_lost).
2. Redis down (a private redis-server, killed): pages and sign-in still work, a
   completion is recorded at once and its task kept in the outbox; with Redis
   back, ``manage.py resend_pending_tasks`` sends it and the constancia is
   produced once.
5. Tasks in flight when Redis restarts empty, the cache is emptied, PostgreSQL
   is cut for 30 s or the mail server refuses for two minutes: every constancia,
   PDF and e-mail arrives exactly once after; a reload under load answers every
   request (issue #20).
3. PostgreSQL down (a TCP proxy in front of it, cut): ``/salud/`` and pages
   answer 503 (the pages with the Spanish 503 page), and a completion cut off in
   the middle of its transaction leaves nothing behind.
4. Twenty simultaneous completions of the same lesson by the same member: one
   completion row, one enrolment, one constancia.

Worker processes of these tests consume from their own Redis server, so the
shared worker of the other integration tests never takes their tasks.
"""

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from kombu import pools as kombu_pools

from cococi_site.celery import app as celery_app
from courses import services
from courses.models import Certificate, CourseBooklet, Enrollment, LessonCompletion
from members.models import User
from notifications.models import Notice, Status
from outbox import services as outbox
from outbox.models import PendingTask
from tests.courses.learning_fixtures import lesson_body, make_course, make_lesson
from tests.notifications.conftest import consent

from .conftest import ROOT, ensure_catalogue, wait_for, worker_database_url
from .failure_parts import (
    Browser,
    PostgresProxy,
    PrivateRedis,
    free_port,
    start_process,
    start_site,
    start_worker,
    stop_process,
)

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="redis-server no está instalado: la suite de fallos arranca el suyo",
)

PASSWORD = "una-contraseña-larga-123"
# Seconds after which a message taken by a killed worker goes back to the queue
# (kombu's visibility_timeout); production waits an hour.
VISIBILITY = 3
MAIL_SEPARATOR = "-" * 79


# The parts


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """A folder for the logs of every process these tests start."""
    return tmp_path_factory.mktemp("failures")


@pytest.fixture(scope="module")
def private_redis(parts):
    server = PrivateRedis(parts)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def database(django_db_setup, django_db_blocker):
    """The test database's address, as other processes reach it."""
    with django_db_blocker.unblock():
        return urlsplit(worker_database_url())


@pytest.fixture(scope="module")
def pg_proxy(database):
    proxy = PostgresProxy((database.hostname, database.port or 5432))
    yield proxy
    proxy.close()


def url_through(database, port):
    """The database's URL, user and password kept, through the proxy's port."""
    credentials = database.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    return database._replace(netloc=netloc).geturl()


def common_env(database, private_redis):
    return {
        "DATABASE_URL": database.geturl(),
        "REDIS_URL": private_redis.url,
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TEST_TASKS_EAGER": "0",
    }


@pytest.fixture
def scene(
    transactional_db, private_redis, pg_proxy, database, parts, request, settings
):
    """Each test starts with its Redis up and empty, PostgreSQL reachable through
    the proxy, the catalogue the migrations make, a media folder of its own
    (shared with the processes it starts) and a way to start workers; the
    workers it started are stopped at the end."""
    name = re.sub(r"\W+", "-", request.node.name).strip("-")
    settings.MEDIA_ROOT = parts / name / "media"
    # What the processes started with TEST_MEDIA_ROOT make of it (settings.test).
    settings.PRIVATE_MEDIA_ROOT = parts / name / "media-private"
    if private_redis.process is None:
        private_redis.start()
    private_redis.client().flushdb()
    pg_proxy.restore()
    ensure_catalogue()
    mail_dir = parts / name / "mail"
    mail_dir.mkdir(parents=True)
    started = []

    def worker(label, pool="solo", **env):
        log = parts / name / f"{label}.log"
        process = start_worker(
            {
                **common_env(database, private_redis),
                "TEST_EMAIL_FILE_PATH": str(mail_dir),
                **env,
            },
            log,
            label,
            pool,
        )
        started.append(process)
        return SimpleNamespace(process=process, log=log)

    yield SimpleNamespace(worker=worker, mail_dir=mail_dir, name=name)
    for process in started:
        stop_process(process)
    pg_proxy.restore()


@pytest.fixture
def site(scene, database, pg_proxy, private_redis, parts):
    """The site under gunicorn (2 processes × 8 threads), reaching PostgreSQL
    through the proxy and Redis (cache and broker) on the private server.
    Started for each test: a process kept across tests would keep ids (content
    types) of the rows the transactional tests flush."""
    port = free_port()
    log = parts / scene.name / "site.log"
    process = start_site(
        {
            **common_env(database, private_redis),
            "DATABASE_URL": url_through(database, pg_proxy.port),
            "DATABASE_CONNECT_TIMEOUT": "2",
        },
        log,
        port,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: Browser(base_url).get("/salud/").status_code == 200,
            60,
            f"the site did not answer (see {log})",
            0.3,
        )
    except BaseException:
        stop_process(process)
        raise
    yield SimpleNamespace(url=base_url, log=log)
    stop_process(process)


@contextmanager
def publishing_to(url):
    """This process sends its tasks to the broker at ``url`` (the private Redis),
    for the workers of these tests, instead of running them in-process."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    _drop_broker_connections()
    conf.broker_url, conf.task_always_eager = url, False
    try:
        yield
    finally:
        _drop_broker_connections()
        conf.broker_url, conf.task_always_eager = saved


def _drop_broker_connections():
    # kombu keeps one pool per broker URL for the whole process: all are closed
    # and forgotten, and Celery makes new ones for the URL it is given.
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


# People, courses and what the processes left behind


def member(username="lucia"):
    """A member with e-mail who agreed to notices (her constancia's e-mail is
    one)."""
    user = User.objects.create_user(
        username,
        password=PASSWORD,
        first_name="Lucía",
        last_name="Méndez",
        email=f"{username}@example.org",
    )
    consent(user)
    return user


def member_with_one_lesson_left(title="Asambleas que deciden"):
    """A member who studied every lesson but the last of a published course."""
    course = make_course(title, publish=False)
    lessons = [
        make_lesson(course, lesson, publish=False)
        for lesson in ("Qué es un consejo", "Cómo convocar")
    ]
    user = member()
    with transaction.atomic():
        services.lesson_complete(user=user, lesson=lessons[0], course=course)
    return user, course, lessons[-1]


def session_of(user):
    """A signed-in session in the database, as the sign-in form leaves it."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def constancia_files(certificate):
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "constancias"
    return sorted(folder.glob(f"*constancia-{certificate.code}*"))


def booklet_files(course):
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "cuadernillos"
    return sorted(folder.glob(f"*cuadernillo-{course.slug}-*"))


def whole_pdf(path):
    data = Path(path).read_bytes()
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def mails_sent(scene):
    return sum(
        line == MAIL_SEPARATOR
        for path in scene.mail_dir.glob("*.log")
        for line in path.read_text(errors="replace").splitlines()
    )


def task_lines(worker, task, state):
    """The worker's log lines of ``task`` in ``state`` (received, succeeded)."""
    return [
        line
        for line in worker.log.read_text().splitlines()
        if task in line and f"] {state}" in line
    ]


def backends_waiting_for_a_lock(fragment):
    """PostgreSQL sessions waiting for a row lock, running SQL with ``fragment``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            [f"%{fragment}%"],
        )
        return [pid for (pid,) in cursor.fetchall()]


@contextmanager
def row_locked(database, table, pk):
    """Hold ``SELECT … FOR UPDATE`` on a row from a session of its own: a worker
    that reaches the row waits there, mid-task, until the block ends."""
    with psycopg.connect(database.geturl()) as session:
        session.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR UPDATE', [pk])
        try:
            yield
        finally:
            session.rollback()


def sigkill(worker, backend_pids):
    """The worker dies at once, in the middle of its task: its main process and
    the pool process running the task, as when its machine or container dies.
    Its database session dies with it: PostgreSQL would notice only on its
    next write to the socket, after the lock is released (and an autocommit
    statement waiting for it would still run), so it is told now, as when the
    server notices."""
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)
    with connection.cursor() as cursor:
        for pid in backend_pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def sigkill_pool_process(worker, backend_pids):
    """Only the pool process running the task dies; the main process lives."""
    [child] = pool_processes(worker)
    os.kill(child, signal.SIGKILL)
    with connection.cursor() as cursor:
        for pid in backend_pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def pool_processes(worker):
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == worker.process.pid:
            children.append(int(stat.parent.name))
    return children


def queue_drained(private_redis):
    """Nothing waits in the queue and no worker holds a message."""
    client = private_redis.client()
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def wait_visibility_timeout(since):
    """Until the killed worker's message may be handed back (a new worker does
    it when it starts)."""
    time.sleep(max(0.0, since + VISIBILITY + 0.5 - time.monotonic()))


# 1. A worker killed mid-task


@pytest.mark.parametrize("killed", ["whole worker", "pool process"])
def test_a_worker_killed_while_writing_a_constancia_issues_it_once(
    scene, private_redis, database, killed
):
    """The whole worker (main and pool processes, as when its machine dies): its
    message goes back to the queue after the visibility timeout and a new
    worker issues the constancia. Only its pool process (the out-of-memory
    killer's choice): the main process sees it lost and puts the message back
    at once (reject_on_worker_lost), and a new pool process issues it."""
    user, course, last = member_with_one_lesson_left()
    first = scene.worker("first", "prefork", BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY))

    with publishing_to(private_redis.url), transaction.atomic():
        services.lesson_complete(user=user, lesson=last, course=course)
    sent_at = time.monotonic()
    pending = PendingTask.objects.get()  # Redis took the task; not finished yet
    assert pending.published_at is not None

    # The worker creates the row, renders the PDF (a second or more in a fresh
    # process), writes it, then records it on the row: hold the row before that.
    certificate = wait_for(
        lambda: Certificate.objects.filter(user=user, course=course).first(),
        30,
        "the worker did not start the constancia",
        0.01,
    )
    with row_locked(database, "courses_certificate", certificate.pk):
        assert Certificate.objects.filter(pk=certificate.pk, file="").exists(), (
            "the worker finished the constancia before the test could hold it"
        )
        waiting = wait_for(
            lambda: backends_waiting_for_a_lock('UPDATE "courses_certificate"'),
            30,
            "the worker did not reach the row",
        )
        # Mid-task: the PDF is on disk, the row does not know it yet.
        [written] = constancia_files(certificate)
        first_copy = written.stat().st_ino
        if killed == "whole worker":
            sigkill(first, waiting)
        else:
            sigkill_pool_process(first, waiting)

    if killed == "whole worker":
        certificate.refresh_from_db()
        assert not certificate.file
        assert task_lines(first, "issue_certificate", "received")
        assert not task_lines(first, "issue_certificate", "succeeded")
        assert mails_sent(scene) == 0
        wait_visibility_timeout(sent_at)
        finisher = scene.worker(
            "second", "prefork", BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY)
        )
    else:
        finisher = first

    issued = wait_for(
        lambda: (
            Certificate.objects.filter(pk=certificate.pk, emailed_at__isnull=False)
            .exclude(file="")
            .first()
        ),
        60,
        f"the constancia was not issued after the kill (see {finisher.log})",
    )
    assert issued.file.name == f"constancias/constancia-{certificate.code}.pdf"
    # One file: the retry wrote the same name again (a new, whole file), no copy
    # and no temporary part left.
    assert constancia_files(certificate) == [written]
    assert written.stat().st_ino != first_copy
    assert whole_pdf(written)
    assert Certificate.objects.count() == 1
    wait_for(lambda: queue_drained(private_redis), 30, "tasks left in Redis")
    assert len(task_lines(finisher, "issue_certificate", "succeeded")) == 1
    assert mails_sent(scene) == 1


def test_a_worker_killed_while_building_a_booklet_builds_it_once_after_restart(
    scene, private_redis, database
):
    course = make_course("Economía solidaria", publish=False)
    lessons = [
        make_lesson(course, f"Lección {number}", publish=False)
        for number in range(1, 6)
    ]
    before = services.course_booklet_build(course_id=course.pk)
    [old_file] = booklet_files(course)
    first = scene.worker("first", "prefork", BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY))

    with row_locked(database, "courses_coursebooklet", before.pk):
        with publishing_to(private_redis.url):
            lessons[0].body = lesson_body("Cada mes la asamblea revisa las cuentas.")
            lessons[0].save_revision().publish()
        sent_at = time.monotonic()
        waiting = wait_for(
            lambda: backends_waiting_for_a_lock('FROM "courses_coursebooklet"'),
            60,
            f"the worker did not reach the booklet's row (see {first.log})",
        )
        # Mid-task: the new PDF is written whole, the row still names the old one.
        [new_file] = set(booklet_files(course)) - {old_file}
        assert whole_pdf(new_file)
        first_copy = new_file.stat().st_ino
        sigkill(first, waiting)

    assert CourseBooklet.objects.get().fingerprint == before.fingerprint
    assert not task_lines(first, "build_course_booklet", "succeeded")

    wait_visibility_timeout(sent_at)
    second = scene.worker(
        "second", "prefork", BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY)
    )

    after = wait_for(
        lambda: CourseBooklet.objects.exclude(fingerprint=before.fingerprint).first(),
        60,
        f"the second worker did not build the booklet (see {second.log})",
    )
    assert CourseBooklet.objects.count() == 1
    # One file, the same name rewritten whole; the old one removed after commit.
    assert after.file.path == str(new_file)
    wait_for(lambda: booklet_files(course) == [new_file], 10, "old booklet kept")
    assert new_file.stat().st_ino != first_copy
    assert whole_pdf(new_file)
    assert after.size == new_file.stat().st_size
    wait_for(lambda: queue_drained(private_redis), 30, "tasks left in Redis")
    assert len(task_lines(second, "build_course_booklet", "succeeded")) == 1


# 2. Redis down


def test_with_redis_down_the_site_works_and_the_constancia_comes_once_it_is_back(
    scene, site, private_redis
):
    """Approach: the transactional outbox (``outbox.services.enqueue``). The
    completion's task is written to PostgreSQL in the completion's own
    transaction; the publish after the commit fails at once (no kombu retry,
    1 s connect timeout) and the row stays until ``resend_pending_tasks``
    (beat, every minute, or by hand) sends it. Chosen over retrying the publish
    from memory because a web process may die before Redis is back: only a row
    committed with the change survives that, and it is counted in /salud/."""
    user, course, last = member_with_one_lesson_left()
    worker = scene.worker("worker")
    browser = Browser(site.url)

    private_redis.kill()

    health = browser.get("/salud/")
    assert health.status_code == 200
    report = health.json()
    assert (report["database"], report["cache"], report["broker"]) == (
        "ok",
        "error",
        "error",
    )
    assert browser.get("/").status_code == 200
    assert browser.get(course.url).status_code == 200
    # Sessions and sign-in throttling are in PostgreSQL: signing in still works.
    signed_in = browser.post(
        "/cuenta/entrar/", {"username": "lucia", "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    assert browser.get(last.url).status_code == 200

    started = time.monotonic()
    completed = browser.post(f"{last.url}completar/")
    took = time.monotonic() - started

    assert completed.status_code == 302
    # The last lesson: she lands on the page that says she finished.
    assert completed.headers["Location"] == f"/mi-formacion/terminado/{course.slug}/"
    assert took < 2, f"the completion waited {took:.1f} s for Redis"
    assert LessonCompletion.objects.filter(user=user).count() == 2
    assert Enrollment.objects.get(user=user, course=course).completed_at
    pending = PendingTask.objects.get()
    assert (pending.task, pending.args) == (
        "courses.tasks.issue_certificate",
        [user.pk, course.pk],
    )
    assert pending.attempts == 1 and pending.last_error
    assert browser.get("/salud/").json()["unfinished_tasks"] == 1
    assert not Certificate.objects.exists()
    finished = browser.get(completed.headers["Location"])
    assert finished.status_code == 200
    assert "Tu constancia se está preparando" in finished.text

    # Redis comes back, empty, on the same port; the outbox is sent again.
    private_redis.start()
    assert resend_pending_tasks(private_redis)[0] == 1

    certificate = wait_for(
        lambda: (
            Certificate.objects.filter(user=user, emailed_at__isnull=False)
            .exclude(file="")
            .first()
        ),
        60,
        f"no constancia from the worker (see {worker.log})",
    )
    wait_for(lambda: not PendingTask.objects.exists(), 30, "the task stayed unfinished")
    assert resend_pending_tasks(private_redis) == (0, 0)
    wait_for(lambda: queue_drained(private_redis), 30, "tasks left in Redis")
    assert whole_pdf(certificate.file.path)
    assert len(constancia_files(certificate)) == 1
    assert Certificate.objects.count() == 1
    assert mails_sent(scene) == 1
    assert len(task_lines(worker, "issue_certificate", "received")) == 1


def resend_pending_tasks(private_redis):
    """``manage.py resend_pending_tasks`` as an operator runs it after an outage:
    (sent, unfinished)."""
    output = io.StringIO()
    with publishing_to(private_redis.url):
        call_command("resend_pending_tasks", "--older-than", "0", stdout=output)
    sent, left, _given_up = re.findall(r"\d+", output.getvalue())
    return int(sent), int(left)


# 3. PostgreSQL down


def test_with_postgresql_down_pages_answer_503_in_spanish_and_nothing_is_half_written(
    scene, site, pg_proxy
):
    user, course, last = member_with_one_lesson_left()
    browser = Browser(site.url, session_of(user))
    assert browser.get("/").status_code == 200
    assert browser.get(last.url).status_code == 200

    pg_proxy.cut()

    health = browser.get("/salud/")
    assert health.status_code == 503
    assert health.json()["database"] == "error"
    for path in ("/", course.url, last.url):
        assert_unavailable_page(browser.get(path))
    assert_unavailable_page(browser.post(f"{last.url}completar/"))

    # The database disappears in the middle of the completion's transaction:
    # the completion row is inserted, the course is being marked complete.
    pg_proxy.restore()
    pg_proxy.cut_on(b'UPDATE "courses_enrollment" SET "completed_at"')
    assert_unavailable_page(browser.post(f"{last.url}completar/"))
    assert pg_proxy.is_cut

    pg_proxy.restore()
    assert not LessonCompletion.objects.filter(lesson=last).exists()
    assert LessonCompletion.objects.filter(user=user).count() == 1
    assert Enrollment.objects.get(user=user, course=course).completed_at is None
    assert not PendingTask.objects.exists()
    assert not Certificate.objects.exists()

    # Back: the same pages and the same completion work.
    assert browser.get("/salud/").status_code == 200
    for path in ("/", course.url, last.url):
        assert browser.get(path).status_code == 200
    completed = browser.post(f"{last.url}completar/")
    assert completed.status_code == 302
    assert LessonCompletion.objects.filter(user=user).count() == 2
    assert Enrollment.objects.get(user=user, course=course).completed_at


def assert_unavailable_page(response):
    assert response.status_code == 503, response.text[:300]
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Retry-After"]
    page = response.text
    assert '<html lang="es-mx">' in page
    assert "El sitio no está disponible en este momento" in page
    assert "Traceback" not in page and "Server Error" not in page


# 4. Twenty simultaneous completions


def test_twenty_simultaneous_completions_make_one_completion_and_one_constancia(
    scene, site, private_redis
):
    course = make_course("Economía solidaria", publish=False)
    lesson = make_lesson(course, "Comprar en común", publish=False)
    user = member()
    worker = scene.worker("worker")
    session = session_of(user)
    start = threading.Barrier(20)

    def complete(_number):
        browser = Browser(site.url, session)
        start.wait(timeout=30)
        return browser.post(f"{lesson.url}completar/").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(complete, range(20)))

    assert answers == [302] * 20
    assert LessonCompletion.objects.filter(user=user, lesson=lesson).count() == 1
    assert Enrollment.objects.filter(user=user, course=course).count() == 1
    assert Enrollment.objects.get(user=user, course=course).completed_at
    certificate = wait_for(
        lambda: (
            Certificate.objects.filter(user=user, emailed_at__isnull=False)
            .exclude(file="")
            .first()
        ),
        60,
        f"no constancia from the worker (see {worker.log})",
    )
    wait_for(lambda: queue_drained(private_redis), 30, "tasks left in Redis")
    assert Certificate.objects.count() == 1
    assert len(constancia_files(certificate)) == 1
    assert mails_sent(scene) == 1
    # The course was completed once, so the task was sent once.
    assert len(task_lines(worker, "issue_certificate", "received")) == 1
    assert not PendingTask.objects.exists()


# 5. Nothing certified is ever lost (issue #20): tasks in flight when a part fails
#
# What does the work: the outbox keeps every task until a worker has finished
# it, and its sweep (``resend_pending``: beat every minute, here every second)
# sends again whatever is due; tasks retry with capped backoff. These tests
# shorten the lease (``OUTBOX_LEASE_SECONDS``) and the longest wait between
# retries (``TASK_RETRY_BACKOFF_MAX``) to see recovery in seconds, and print how
# long it took (``RECOVERY …`` lines; docs/benchmarks.md, *Recovery*).

LEASE = 5
FAST_RETRIES = {"OUTBOX_LEASE_SECONDS": str(LEASE), "TASK_RETRY_BACKOFF_MAX": "5"}


def members_with_one_lesson_left(count, title="Asambleas que deciden"):
    """``count`` members who studied every lesson but the last of a course."""
    course = make_course(title, publish=False)
    lessons = [
        make_lesson(course, lesson, publish=False)
        for lesson in ("Qué es un consejo", "Cómo convocar")
    ]
    people = []
    for number in range(count):
        user = member(f"integrante{number:02d}")
        with transaction.atomic():
            services.lesson_complete(user=user, lesson=lessons[0], course=course)
        people.append(user)
    return people, course, lessons[-1]


def complete_all(people, course, lesson, redis_url):
    """Each finishes the course: one constancia task each, published to Redis."""
    with publishing_to(redis_url):
        for user in people:
            with transaction.atomic():
                services.lesson_complete(user=user, lesson=lesson, course=course)


def all_issued(people, course):
    """Every constancia made, with its PDF, and its notice sent."""
    done = Certificate.objects.filter(
        user__in=people, course=course, emailed_at__isnull=False
    ).exclude(file="")
    sent = Notice.objects.filter(user__in=people, kind="constancia", status=Status.SENT)
    return done.count() == len(people) and sent.count() == len(people)


def sweep_until(done, redis_url, timeout, message):
    """Beat's outbox sweep, every second instead of every minute, until
    ``done()``; returns the seconds it took."""
    started = time.monotonic()

    def swept():
        with publishing_to(redis_url):
            outbox.resend_pending()
        return done()

    wait_for(swept, timeout, message, 1.0)
    return time.monotonic() - started


def assert_exactly_once(people, course, mails):
    """One constancia, one whole PDF and one e-mail per person; no task left."""
    certificates = Certificate.objects.filter(user__in=people, course=course)
    assert certificates.count() == len(people)
    for certificate in certificates:
        [pdf] = constancia_files(certificate)
        assert whole_pdf(pdf)
    assert mails() == len(people)
    wait_for(
        lambda: not PendingTask.objects.exists(), 30, "tasks left in the outbox", 0.5
    )


@pytest.fixture
def lease(settings):
    """The sweep in this process uses the short lease the workers use."""
    settings.OUTBOX_LEASE_SECONDS = LEASE


def test_redis_restarted_empty_while_tasks_are_queued_loses_nothing(
    scene, site, private_redis, lease
):
    people, course, lesson = members_with_one_lesson_left(20)
    complete_all(people, course, lesson, private_redis.url)
    assert private_redis.client().llen("celery") == 20  # no worker yet

    private_redis.kill()
    report = Browser(site.url).get("/salud/").json()
    assert report["broker"] == "error"
    assert report["unfinished_tasks"] == 20
    assert report["status"] == "degraded"
    private_redis.start()  # without persistence: the queue is gone
    assert private_redis.client().llen("celery") == 0
    back = time.monotonic()

    scene.worker("worker", **FAST_RETRIES)
    seconds = sweep_until(
        lambda: all_issued(people, course),
        private_redis.url,
        120,
        "the constancias lost with Redis were not issued",
    )
    print(f"RECOVERY redis restarted empty, 20 queued: {time.monotonic() - back:.1f} s")

    assert seconds < 120
    assert_exactly_once(people, course, lambda: mails_sent(scene))


def test_emptying_the_cache_leaves_the_queue_alone(scene, private_redis, lease):
    """The cache has its own Redis database: the purge docs/deploy.md gives
    (FLUSHDB on the cache's database) leaves every queued task in place."""
    people, course, lesson = members_with_one_lesson_left(5)
    complete_all(people, course, lesson, private_redis.url)
    cache_database = private_redis.client()
    cache_database.connection_pool.connection_kwargs["db"] = 6
    cache_database.flushdb()

    assert private_redis.client().llen("celery") == 5
    scene.worker("worker", **FAST_RETRIES)
    sweep_until(
        lambda: all_issued(people, course),
        private_redis.url,
        60,
        "the queued constancias were not issued",
    )
    assert_exactly_once(people, course, lambda: mails_sent(scene))


def test_postgresql_cut_for_thirty_seconds_while_a_worker_is_busy_loses_nothing(
    scene, private_redis, pg_proxy, database, lease
):
    people, course, lesson = members_with_one_lesson_left(20)
    complete_all(people, course, lesson, private_redis.url)
    worker = scene.worker(
        "worker",
        DATABASE_URL=url_through(database, pg_proxy.port),
        DATABASE_CONNECT_TIMEOUT="2",
        **FAST_RETRIES,
    )
    wait_for(
        lambda: Certificate.objects.filter(course=course).exclude(file="").exists(),
        60,
        f"the worker did not start (see {worker.log})",
        0.2,
    )

    pg_proxy.cut()
    time.sleep(30)
    pg_proxy.restore()
    back = time.monotonic()
    assert not all_issued(people, course), "the worker finished before the cut"

    sweep_until(
        lambda: all_issued(people, course),
        private_redis.url,
        180,
        f"constancias missing after PostgreSQL came back (see {worker.log})",
    )
    print(f"RECOVERY postgresql cut 30 s, 20 tasks: {time.monotonic() - back:.1f} s")
    assert_exactly_once(people, course, lambda: mails_sent(scene))


class Inbox:
    """What a real SMTP server received, by recipient."""

    def __init__(self):
        self.received = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def test_a_mail_server_refusing_for_two_minutes_delays_e_mails_but_loses_none(
    scene, private_redis, lease
):
    port = free_port()  # nothing listens yet: every connection is refused
    people, course, lesson = members_with_one_lesson_left(10)
    complete_all(people, course, lesson, private_redis.url)
    worker = scene.worker(
        "worker",
        TEST_EMAIL_PORT=str(port),
        TASK_RETRY_BACKOFF_MAX="10",
        OUTBOX_LEASE_SECONDS=str(LEASE),
    )
    wait_for(
        lambda: (
            Certificate.objects.filter(course=course).exclude(file="").count() == 10
        ),
        120,
        f"the PDFs were not made (see {worker.log})",
        0.5,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with publishing_to(private_redis.url):
            outbox.resend_pending()
        time.sleep(1)
    # The constancias and their notices are written; no notice went out (its
    # delivery retries while the mail server refuses).
    assert Certificate.objects.filter(emailed_at__isnull=False).count() == 10
    assert not Notice.objects.filter(status=Status.SENT).exists()
    summary = outbox.summary()
    assert summary["unfinished_tasks"] == 10
    assert summary["failed_tasks"] == 0

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    back = time.monotonic()
    try:
        sweep_until(
            lambda: all_issued(people, course),
            private_redis.url,
            120,
            f"e-mails missing after the mail server came back (see {worker.log})",
        )
        print(
            f"RECOVERY mail server refusing 120 s, 10 e-mails: "
            f"{time.monotonic() - back:.1f} s"
        )
        wait_for(lambda: sum(inbox.received.values()) >= 10, 10, "e-mails not seen")
        time.sleep(2)  # a duplicate would arrive now
    finally:
        server.stop()
    assert inbox.received == Counter(user.email for user in people)
    assert_exactly_once(people, course, lambda: sum(inbox.received.values()))


def master_in(pidfile):
    """The process id in gunicorn's pidfile, or None while it is being
    replaced (the new master renames its own into place)."""
    try:
        return int(pidfile.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def test_a_reload_under_load_answers_every_request(scene, database, private_redis):
    """deploy/reload-web: a new gunicorn master with the code loaded once, beside
    the old one, which then leaves. Four clients ask all the while."""
    port = free_port()
    pidfile = Path(scene.mail_dir).parent / "gunicorn.pid"
    env = {
        **common_env(database, private_redis),
        "DJANGO_SETTINGS_MODULE": "cococi_site.settings.test",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_PIDFILE": str(pidfile),
        "WEB_CONCURRENCY": "3",
    }
    log = Path(scene.mail_dir).parent / "gunicorn.log"
    process = start_process(
        # As production starts it (README): the re-executed master of a reload
        # runs the same command, which `python -m gunicorn` would not survive.
        [str(Path(sys.executable).parent / "gunicorn"), "cococi_site.wsgi"],
        env,
        log,
        lambda text: text.count("Booting worker") >= 3 and pidfile.exists(),
    )
    old_master = int(pidfile.read_text())
    url = f"http://127.0.0.1:{port}/salud/"
    answers, failures, stop = Counter(), [], threading.Event()

    def client():
        session = requests.Session()
        while not stop.is_set():
            try:
                answers[session.get(url, timeout=10).status_code] += 1
            except requests.RequestException as error:
                failures.append(repr(error))

    clients = [threading.Thread(target=client) for _n in range(4)]
    try:
        for thread in clients:
            thread.start()
        time.sleep(2)
        subprocess.run(
            [str(ROOT / "deploy" / "reload-web")],
            env={**os.environ, **env},
            check=True,
            timeout=120,
        )
        time.sleep(3)
        stop.set()
        for thread in clients:
            thread.join(timeout=15)
        # The old master (the process started here) finishes and leaves; the
        # new one then takes the pidfile.
        wait_for(lambda: process.poll() is not None, 60, "the old master stayed")
        wait_for(
            lambda: master_in(pidfile) not in (None, old_master),
            30,
            "the new master did not take the pidfile",
        )
        new_master = master_in(pidfile)
        assert Path(f"/proc/{new_master}").exists()
    finally:
        stop.set()
        # The new master and its processes are in the old one's process group.
        stop_process(process)

    print(f"RELOAD under load: {sum(answers.values())} answers {dict(answers)}")
    assert failures == []
    assert set(answers) == {200}
    assert new_master != old_master
