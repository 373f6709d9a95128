"""An activation code for two-step verification, from the server: for the first
superusers and national coordination, whom no one on the site leads."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from members.models import CodePurpose
from members.security import has_two_factor
from members.services import sign_in_code_create


class Command(BaseCommand):
    help = (
        "Print a one-time activation code with which USERNAME turns on two-step "
        "verification at /cuenta/dos-pasos/ the first time."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        person = (
            get_user_model()
            .objects.active_people()
            .filter(username__iexact=username.strip())
            .first()
        )
        if person is None:
            raise CommandError(f"No active account is named {username!r}.")
        if has_two_factor(person):
            raise CommandError(
                f"{person.username} already has two-step verification turned on."
            )
        code = sign_in_code_create(
            user=person, created_by=None, purpose=CodePurpose.TWO_FACTOR
        )
        self.stdout.write(f"{person.username}: {code[:4]}-{code[4:]}")
