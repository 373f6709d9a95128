import pytest
from django.core.management import call_command

from members.demo import DEMO_PASSWORD, DEMO_USERS
from members.models import User

pytestmark = pytest.mark.django_db

USERNAMES = [
    "admin",
    "editora",
    "coordinadora",
    "coordinador2",
    "estatal",
    "integrante",
]


def snapshot():
    return sorted(User.objects.values_list("username", "password", "email", "phone"))


def test_load_demo_creates_an_account_for_each_kind_of_person(client):
    call_command("load_demo")

    assert [row[0] for row in DEMO_USERS] == USERNAMES
    for username in USERNAMES:
        assert client.login(username=username, password=DEMO_PASSWORD), username
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    assert (
        User.objects.get(username="editora")
        .groups.filter(name="Equipo de formación")
        .exists()
    )
    integrante = User.objects.get(username="integrante")
    assert integrante.email == "" and integrante.phone


def test_load_demo_twice_changes_nothing():
    call_command("load_demo")
    first = snapshot()

    call_command("load_demo")

    assert snapshot() == first


def test_migrations_create_no_accounts():
    assert not User.objects.exists()


def test_demo_superuser_reaches_the_spanish_admin(client):
    call_command("load_demo")
    client.login(username="admin", password=DEMO_PASSWORD)

    response = client.get("/admin/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="es' in html
    assert "Panel de control - COCOCI Formación" in html
