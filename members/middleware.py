"""Accounts that can see other people's member data use a second factor before
the admin or any private file: a signed-in session without it is sent to set up
or enter its code first."""

from urllib.parse import urlencode

from django.shortcuts import redirect

from .security import has_two_factor, two_factor_required

# The admin, private documents, constitution requests' actas (founders' names
# and signatures) and the mentor's pages (a mentee's progress and notes).
PROTECTED_PREFIXES = (
    "/admin/",
    "/documentos/",
    "/consejos/solicitudes/",
    "/mi-formacion/acompanamiento/",
)
# Signing out of the admin needs no second factor.
OPEN_PATHS = ("/admin/logout/",)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        user = getattr(request, "user", None)
        if (
            path.startswith(PROTECTED_PREFIXES)
            and path not in OPEN_PATHS
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and two_factor_required(user)
        ):
            target = (
                "members:two_factor_verify"
                if has_two_factor(user)
                else "members:two_factor"
            )
            response = redirect(target)
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
            return response
        return self.get_response(request)
