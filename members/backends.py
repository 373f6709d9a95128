"""Sign-in throttling: django-axes looks at every password attempt first.
Permissions: read from the shared cache before Django's ModelBackend would."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from cococi_site import content


class ThrottledSignInBackend(AxesStandaloneBackend):
    """django-axes' check, refusing an account and address that failed too often.

    Every sign-in form of the site passes the request. Django's test client and
    the shell authenticate without one: there is nothing to count them by, so
    they go straight to the next backend."""

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


class CachedPermissionsBackend:
    """A person's permissions, kept under the content generation
    (``cococi_site.content``), which any change to their groups or permissions,
    or to a group's, bumps. Django's ModelBackend reads them with two queries on
    the first check of every request (every page's header checks one); listed
    before it, this backend leaves them on the user where ModelBackend looks
    first, so neither queries. It authenticates nobody, and has no
    ``get_user``: sessions and ``force_login`` go to the other backends."""

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            held = content.cached(
                f"permissions:{user_obj.pk}",
                lambda: frozenset(ModelBackend().get_all_permissions(user_obj)),
            )
            user_obj._perm_cache = set(held)
        return user_obj._perm_cache

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and perm in self.get_all_permissions(user_obj, obj)
