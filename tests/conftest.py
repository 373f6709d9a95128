import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from home.models import HomePage
from members.models import User

PASSWORD = "una-contraseña-larga-123"


@pytest.fixture(autouse=True)
def spanish():
    """Every test starts in the site's language, as a visitor without preferences."""
    with translation.override("es-mx"):
        yield


@pytest.fixture(autouse=True)
def forgotten_site_data():
    """Cached per-site data (axes, the leadership pathway, public pages)
    outlives a test's rolled-back transaction: every test starts without it."""
    from cococi_site import content
    from councils.readiness import pathway_forget
    from courses.cache import axes_forget

    axes_forget()
    pathway_forget()
    content.forget()  # forgets the page cache, the routes and the navigation
    yield


@pytest.fixture
def home_page(db):
    return HomePage.objects.get()


@pytest.fixture
def make_user(db):
    def make(username="persona", *, groups=(), **fields):
        user = User(username=username, **fields)
        user.set_password(PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name__in=groups))
        return user

    return make


@pytest.fixture
def editor(make_user):
    return make_user("editora", first_name="Rosa", groups=["Equipo de formación"])


@pytest.fixture
def superuser(make_user):
    return make_user("admin", is_superuser=True, is_staff=True)
