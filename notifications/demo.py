"""The demo's phones, verified as if their owners had typed the code, so
that ``make demo`` shows (in the log) the texts a member without e-mail gets.
Created only by ``manage.py load_demo``."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from .channels import phone_e164
from .models import ChannelPreference


def load_demo_phones():
    people = get_user_model().objects.filter(email="").exclude(phone="")
    created = 0
    for person in people:
        _row, made = ChannelPreference.objects.get_or_create(
            user=person,
            defaults={
                "phone_verified_at": timezone.now(),
                "verified_phone": phone_e164(person.phone),
            },
        )
        created += made
    return created
