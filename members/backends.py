"""Sign-in throttling: django-axes looks at every password attempt first."""

from axes.backends import AxesStandaloneBackend


class ThrottledSignInBackend(AxesStandaloneBackend):
    """django-axes' check, refusing an account and address that failed too often.

    Every sign-in form of the site passes the request. Django's test client and
    the shell authenticate without one: there is nothing to count them by, so
    they go straight to the next backend."""

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
