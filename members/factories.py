"""People for tests, benchmarks and the demo (``manage.py load_demo``).

Plain Django, no test library: the demo loader runs these wherever it runs,
including a test server installed from ``requirements.txt`` only.
"""

from django.contrib.auth import get_user_model

from .models import PrivacyNotice, Purpose
from .services import consents_record


def make_person(username, *, password=None, consent=None, agree=(), **fields):
    """A saved account; without ``password`` it cannot sign in with one.

    ``consent`` (a ``ConsentMethod``) records, for the current privacy notice
    if there is one, the necessary purpose granted and the voluntary ones
    granted if named in ``agree``, declined otherwise.
    """
    User = get_user_model()
    user = User(username=username, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if consent is not None:
        notice = PrivacyNotice.objects.current()
        if notice:
            consents_record(
                user=user,
                notice=notice,
                decisions={
                    purpose: purpose == Purpose.NECESSARY or purpose in agree
                    for purpose in Purpose
                },
                method=consent,
            )
    return user
