"""The access log of member data: append-only from the application, readable in
the admin by national coordination (and superusers), by nobody else, and
changed or deleted by nobody, superusers included."""

import pytest

from councils.factories import assign, make_council, make_person
from councils.provisioning import national_group
from members.models import AccessLog
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIST = "/admin/snippets/members/accesslog/"


@pytest.fixture
def entry(superuser):
    return AccessLog.objects.create(
        actor=superuser,
        action=AccessLog.Action.EXPORT,
        scope="cuadros:estado:14",
        detail='{"motivo": "Seguimiento"}',
        row_count=12,
    )


def person(username, role=None, **scope):
    user = make_person(username, password=PASSWORD)
    if role:
        assign(user, role, **scope)
    return user


def signed_in(client, user):
    client.force_login(user)
    return client


def test_national_coordination_reads_the_log(client, entry):
    national_group()
    coordinator = person("nacional", "coordinacion-nacional")

    response = signed_in(client, coordinator).get(LIST)

    assert response.status_code == 200
    assert "cuadros:estado:14" in response.content.decode()
    assert (
        signed_in(client, coordinator).get(f"{LIST}inspect/{entry.pk}/").status_code
        == 200
    )


def test_a_council_leader_cannot_read_it(client, entry):
    leader = person("lider", "coordinador-de-consejo", council=make_council())

    response = signed_in(client, leader).get(LIST)

    assert response.status_code in (302, 403)
    assert "cuadros:estado:14" not in response.content.decode()


def test_not_even_a_superuser_can_change_or_delete_an_entry(client, superuser, entry):
    client = signed_in(client, superuser)

    assert client.get(LIST).status_code == 200
    for url in (f"{LIST}edit/{entry.pk}/", f"{LIST}delete/{entry.pk}/", f"{LIST}add/"):
        assert client.get(url).status_code in (302, 403), url
    client.post(f"{LIST}delete/{entry.pk}/")
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_the_application_cannot_rewrite_or_remove_entries(entry):
    with pytest.raises(ValueError):
        AccessLog.objects.filter(pk=entry.pk).update(scope="otro")
    with pytest.raises(ValueError):
        AccessLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ValueError):
        entry.delete()
    entry.scope = "otro"
    with pytest.raises(ValueError):
        entry.save()
    assert AccessLog.objects.get(pk=entry.pk).scope == "cuadros:estado:14"


def test_deleting_an_actor_s_account_row_keeps_the_entry_without_the_actor(entry):
    actor = entry.actor
    actor.delete()

    entry = AccessLog.objects.get(pk=entry.pk)
    assert entry.actor is None and entry.row_count == 12
