# ruff: noqa: F811 (the fixtures imported from test_cadre_dashboard)
"""Adversarial tests of the workers' progress and totals (f9ceae3, issue #26):
what a leader sees while the workers are behind, and promises of work that
must not be lost. Each test fails on f9ceae3; the reviewer's report gives the
reproduction on the real parts (PostgreSQL, Redis, a Celery worker)."""

import csv
import io

import pytest
from django.test import override_settings

from councils.cadres import progress
from councils.cadres.progress import progress_catch_up, progress_refresh_all
from councils.models import (
    CouncilProgress,
    MemberProgress,
    ProgressWork,
    RequirementKind,
    RoleRequirement,
)
from councils.services.membership import membership_end
from members.models import User
from tests.councils.helpers import signed_in
from tests.councils.test_cadre_dashboard import (  # noqa: F401 (fixtures)
    SANTA_NAMES,
    dashboard_url,
    names_in,
    santa,
    santa_leader,
    santa_members,
    second_axis_course,
)

pytestmark = pytest.mark.django_db


def promoter_hours():
    return RoleRequirement.objects.get(
        role__slug="promotor-comunitario", kind=RequirementKind.HOURS
    )


def test_a_requirement_change_saved_while_the_worker_recomputes_is_not_lost(
    santa_members, monkeypatch
):
    """Ximena is ready for "Promotor/a" (8 hours, she has 8). An editor changes
    some requirement (the worker starts recomputing everyone), and while it
    runs, after it has read the pathway, another editor raises the promoter's
    hours to 9. progress_work finds the first row and writes none; the worker
    then deletes the first row: the second change is recomputed by nobody
    until the nightly refresh, and no dashboard says "actualizando"."""
    progress_refresh_all()
    ximena = santa_members["Ximena"]
    assert MemberProgress.objects.get(pk=ximena.pk).ready

    other = RoleRequirement.objects.filter(role__slug="formador").first()
    other.save()  # the first editor's change: one "everyone" row
    assert ProgressWork.objects.count() == 1

    real = progress.progress_refresh_all

    def refresh_while_an_editor_saves(*args, **kwargs):
        found = real(*args, **kwargs)  # the pathway it used was read before...
        hours = promoter_hours()
        hours.number = 9
        hours.save()  # ...this second change, saved before the run ends
        return found

    monkeypatch.setattr(progress, "progress_refresh_all", refresh_while_an_editor_saves)
    progress_catch_up()
    monkeypatch.setattr(progress, "progress_refresh_all", real)

    promised = ProgressWork.objects.exists()
    recomputed = not MemberProgress.objects.get(pk=ximena.pk).ready
    assert promised or recomputed, "the second requirement change was lost"


def test_control_the_same_change_alone_makes_ximena_not_ready(santa_members):
    """The first test's control: saved with no run in progress, the same
    change is recomputed by the worker."""
    progress_refresh_all()
    hours = promoter_hours()
    hours.number = 9
    hours.save()
    progress_catch_up()
    assert not MemberProgress.objects.get(pk=santa_members["Ximena"].pk).ready


@override_settings(
    CACHES={
        "default": {
            # Redis down for the side that marks (nothing listens on 6390).
            "BACKEND": "cococi_site.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6390/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
)
def test_with_the_cache_down_a_mark_is_still_caught_up(santa_members, settings):
    """Found on f9ceae3: a mark asked a worker through a debounce key in the
    cache, and with Redis down "not added" read as "already asked". Marks no
    longer go through the cache nor send a task each: beat's catch-up, every
    minute, finds every mark made since, whatever the cache."""
    entry = settings.CELERY_BEAT_SCHEDULE["progress-catch-up"]
    assert entry["task"] == progress.REFRESH_TASK and entry["schedule"] <= 60
    progress_refresh_all()
    ximena = santa_members["Ximena"]
    progress.progress_mark_stale([ximena.pk])
    assert MemberProgress.objects.get(pk=ximena.pk).stale

    progress_catch_up()  # beat's, within the minute

    assert not MemberProgress.objects.filter(stale=True).exists()


def test_before_the_totals_are_added_up_a_council_leader_still_sees_her_members(
    santa_members, santa, santa_leader
):
    """Right after migration 0017 on a site with progress rows (or whenever the
    worker has written members' rows but not yet the council's totals), the
    per-person list is paginated by the totals' count: 0 rows shown, "Members:
    0", although every member's row is there."""
    progress_refresh_all()
    CouncilProgress.objects.all().delete()  # as after 0017: rows, no totals

    response = signed_in(santa_leader).get(dashboard_url())

    assert response.status_code == 200
    assert names_in(response, SANTA_NAMES) == SANTA_NAMES


def test_a_member_who_left_is_not_named_while_the_worker_is_behind(
    santa_members, santa, santa_leader
):
    """Before f9ceae3 the dashboard recomputed the scope's stale rows, so a
    member who left vanished from the council's list at once (as an erased one
    still does, progress_withdraw). Now she stays named, with her figures, in
    the page and the CSV export of a council she no longer belongs to until a
    worker runs (forever if none does). No worker runs here: the test's
    transaction never commits."""
    progress_refresh_all()
    ximena = santa_members["Ximena"]
    membership = ximena.memberships.get(council=santa, status="activa")
    membership_end(council=santa, membership_id=membership.pk, actor=santa_leader)

    client = signed_in(santa_leader)
    page = client.get(dashboard_url())
    export = client.get(dashboard_url(export="csv"))
    content = b"".join(export.streaming_content) if export.streaming else export.content
    usernames = {row[1] for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))}

    assert "Ximena" not in names_in(page, SANTA_NAMES)
    assert User.objects.get(pk=ximena.pk).username not in usernames


def test_a_worker_lost_between_the_councils_and_the_states_leaves_nothing_wrong(
    santa_members, santa, monkeypatch
):
    """The councils' totals and the states' are written in two transactions,
    and the states are added up again only when some council was dirty: a
    worker killed between the two (kill -9, a deploy) leaves the state's and
    the nation's figures wrong with nothing pending (no "actualizando"), and
    the beat's next catch-up does not mend them."""
    from councils.cadres import totals
    from councils.models import Attendance, StateProgress

    progress_refresh_all()
    Attendance.objects.filter(user=santa_members["Ximena"]).first().delete()

    def killed():
        raise SystemExit("worker killed")

    real = totals.states_add_up
    monkeypatch.setattr(totals, "states_add_up", killed)
    with pytest.raises(SystemExit):
        progress_catch_up()
    monkeypatch.setattr(totals, "states_add_up", real)
    progress_catch_up()  # the beat's, five minutes later

    state = StateProgress.objects.get(state_id=santa.state_id)
    others = CouncilProgress.objects.filter(council__state_id=santa.state_id)
    assert state.circles == sum(row.circles for row in others)


def test_requirements_saved_while_the_editor_s_cache_is_down_are_recomputed(
    santa_members, monkeypatch
):
    """The editor's process cannot reach Redis, so forgetting the cached
    pathway does nothing (ResilientRedisCache.set is a no-op); the worker's
    process reaches it, recomputes everyone with the pathway cached before the
    change, and deletes the work row: Ximena stays "ready" for up to the
    cache's hour and the nightly refresh, with no "actualizando". (Here both
    sides share the test's cache; the editor's outage is its ``forget``
    doing nothing.)"""
    from cococi_site import content

    progress_refresh_all()  # the pathway is now cached
    monkeypatch.setattr(content, "forget", lambda: None)  # the editor's cache down
    hours = promoter_hours()
    hours.number = 9
    hours.save()
    monkeypatch.undo()

    progress_catch_up()  # the worker, its cache up

    promised = ProgressWork.objects.exists()
    recomputed = not MemberProgress.objects.get(pk=santa_members["Ximena"].pk).ready
    assert promised or recomputed
