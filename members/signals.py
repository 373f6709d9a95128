"""Sessions of accounts that can see others' member data last a working day."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from .security import sees_others_data

# A one-time sign-in code was used to sign in: ``user`` and ``code`` (the
# ``SignInCode``), sent inside the transaction that spends it.
sign_in_code_used = Signal()


@receiver(user_logged_in)
def privileged_session_shortened(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and sees_others_data(user):
        request.session.set_expiry(settings.PRIVILEGED_SESSION_SECONDS)
