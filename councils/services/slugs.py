"""Free names made from a person's or a council's: usernames and page slugs."""

from django.contrib.auth import get_user_model
from django.utils.text import slugify


def username_suggest(first_name, last_name):
    """A free username from the person's names: "maria.lopez", "maria.lopez2"…"""
    User = get_user_model()
    first = slugify(first_name).split("-")[0] if first_name else ""
    last = slugify(last_name).split("-")[0] if last_name else ""
    base = ".".join(part for part in (first, last) if part) or "integrante"
    base = base[:140]
    candidate, number = base, 2
    while User.objects.filter(username__iexact=candidate).exists():
        candidate = f"{base}{number}"
        number += 1
    return candidate


def unique_child_slug(parent, title):
    base = slugify(title)[:200] or "consejo"
    existing = set(
        parent.get_children()
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in existing:
        slug = f"{base}-{number}"
        number += 1
    return slug
