"""Demo accounts, one for each kind of person in DESIGN.md.

Created only by ``manage.py load_demo``: never by migrations or in production.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .factories import make_person
from .models import ConsentMethod, Purpose

DEMO_PASSWORD = "cococi-demo"

DEMO_USERS = [
    # username, first name, last name, e-mail, phone, superuser, groups
    ("admin", "Administración", "COCOCI", "admin@example.org", "", True, []),
    (
        "editora",
        "Rosa Elena",
        "Martínez Cruz",
        "editora@example.org",
        "",
        False,
        ["Equipo de formación"],
    ),
    (
        "revisora",
        "Ana Laura",
        "Gómez Vega",
        "revisora@example.org",
        "",
        False,
        ["Revisión de formación"],
    ),
    (
        "coordinadora",
        "María Guadalupe",
        "Hernández Ruiz",
        "coordinadora@example.org",
        "5512345678",
        False,
        [],
    ),
    ("coordinador2", "José Luis", "Ramírez Torres", "", "3312345678", False, []),
    (
        "estatal",
        "Carmen",
        "López Santiago",
        "estatal@example.org",
        "5587654321",
        False,
        [],
    ),
    # Many members have a phone and no e-mail.
    ("integrante", "Juan", "Pérez García", "", "5523456789", False, []),
]


@transaction.atomic
def load_demo_users(stdout=None):
    """Create the demo accounts that do not exist yet; existing ones are left alone."""
    User = get_user_model()
    created = 0
    for username, first, last, email, phone, superuser, groups in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = make_person(
            username,
            password=DEMO_PASSWORD,
            consent=ConsentMethod.ONLINE,
            # So that `make demo` shows the notices they are sent (in the log).
            agree=(Purpose.NOTICES,),
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            is_superuser=superuser,
            is_staff=superuser,
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        created += 1
    return created
