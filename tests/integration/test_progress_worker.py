"""The cadre dashboard while a real worker recomputes, through Redis and
PostgreSQL: an editor's change of requirements costs the editor one row, the
leader's next request answers at once from the previous figures with an
"actualizando" notice, recomputing nothing (it returns while the worker is held
on the progress rows' locks), and the worker then brings every figure up to
date."""

import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from councils.cadres.tasks import refresh_member_progress
from councils.models import (
    CouncilProgress,
    MemberProgress,
    ProgressWork,
    RequirementKind,
    RoleRequirement,
)

from .conftest import wait_for
from .test_digest_worker import council_week  # noqa: F401 (a fixture)

DASHBOARD = "/admin/formacion-de-cuadros/"
UPDATING = "Actualizando"


def rosa_row(response):
    rows = {row["username"]: row for row in response.context["rows_page"]}
    return rows["rosa"]


def caught_up(council):
    """The council's totals once the worker has nothing left to do."""
    if ProgressWork.objects.exists() or MemberProgress.objects.filter(stale=True):
        return None
    return CouncilProgress.objects.filter(council=council, dirty=False).first()


class RowsHeld:
    """Every progress row locked by another connection until ``release``: the
    worker's recomputation waits on them, as it would behind a long one."""

    def __init__(self):
        self.locked = threading.Event()
        self.released = threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with transaction.atomic():
                list(MemberProgress.objects.select_for_update().values("pk"))
                self.locked.set()
                self.released.wait(timeout=120)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(timeout=30)
        return self

    def __exit__(self, *exc):
        self.released.set()
        self.thread.join(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_requirement_change_is_recomputed_by_the_worker_not_the_dashboard(
    council_week,  # noqa: F811
    live_worker,
):
    council, leader, people = council_week
    # The council was made without provisioning (its Wagtail group), so its
    # coordinator is let into the admin directly.
    leader.user_permissions.add(Permission.objects.get(codename="access_admin"))
    refresh_member_progress.delay()  # beat's minute
    first = wait_for(lambda: caught_up(council), timeout=60, what="first figures")
    client = Client()
    client.force_login(leader)
    before = client.get(DASHBOARD)
    assert before.status_code == 200
    assert UPDATING not in before.content.decode()
    assert (rosa_row(before)["readiness"], rosa_row(before)["ready"]) == (100, True)

    with RowsHeld():
        hours = RoleRequirement.objects.get(
            role__slug="promotor-comunitario", kind=RequirementKind.HOURS
        )
        hours.number = 16  # Rosa has 8 hours of circles
        with CaptureQueriesContext(connection) as editor:
            hours.save()
        # The editor's save: the requirement, Wagtail's reference index and
        # one row of work; no member's row.
        assert not [
            query
            for query in editor.captured_queries
            if "councils_memberprogress" in query["sql"]
        ]
        assert ProgressWork.objects.filter(kind=ProgressWork.Kind.EVERYONE).exists()
        refresh_member_progress.delay()  # beat's next minute; held on the rows

        with CaptureQueriesContext(connection) as page:
            during = client.get(DASHBOARD)

        assert during.status_code == 200
        assert UPDATING in during.content.decode()
        assert during.context["dashboard"].figures_at == first.computed_at
        assert (rosa_row(during)["readiness"], rosa_row(during)["ready"]) == (
            100,
            True,
        )
        writes = [
            query["sql"]
            for query in page.captured_queries
            if "progress" in query["sql"]
            and query["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == []

    after = wait_for(lambda: caught_up(council), timeout=60, what="recomputed")
    assert after.computed_at > first.computed_at
    now = client.get(DASHBOARD)
    assert UPDATING not in now.content.decode()
    row = rosa_row(now)
    assert (row["ready"], row["readiness"]) == (False, 83)
    assert now.context["dashboard"].figures_at == after.computed_at
