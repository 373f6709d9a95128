"""Sign-in throttling: django-axes looks at every password attempt first.
Then MemberBackend: Django's ModelBackend with fewer queries per request."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from cococi_site import content

User = get_user_model()


class ThrottledSignInBackend(AxesStandaloneBackend):
    """django-axes' check, refusing an account and address that failed too often.

    Every sign-in form of the site passes the request. Django's test client and
    the shell authenticate without one: there is nothing to count them by, so
    they go straight to the next backend."""

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


class MemberBackend(ModelBackend):
    """Django's ModelBackend, cheaper on every signed-in request.

    - The person is read with their Wagtail profile (language and time zone,
      which every admin page reads): one query instead of two.
    - Their permissions are kept under the content generation
      (``cococi_site.content``), which any change to their groups or
      permissions, or to a group's, bumps: ModelBackend reads them with two
      queries on the first check of every request (every page's header checks
      one). They are left on the person where ModelBackend also looks first.

    ModelBackend stays listed after it, for sessions begun before it was."""

    def get_user(self, user_id):
        user = (
            User._default_manager.select_related("wagtail_userprofile")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            held = content.cached(
                f"permissions:{user_obj.pk}",
                lambda: frozenset(
                    super(MemberBackend, self).get_all_permissions(user_obj)
                ),
            )
            user_obj._perm_cache = set(held)
        return user_obj._perm_cache
