"""A person's permissions, kept in the shared cache.

Django's ModelBackend reads them with two queries on the first check of every
request; the header checks one on every page a member opens. Here they are kept
under the content generation (``cococi_site.content``), which any change to a
person's groups or permissions, or to a group's, bumps."""

from cococi_site import content


def permissions_of(user):
    """The set of "app_label.codename" the user holds through the database."""
    return content.cached(
        f"permissions:{user.pk}", lambda: frozenset(user.get_all_permissions())
    )


def has_perm(user, perm):
    """``user.has_perm(perm)`` for the site's own backends, from the cache."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or perm in permissions_of(user)
