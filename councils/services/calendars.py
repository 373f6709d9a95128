"""A member's calendar feed: its secret address, made and changed."""

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import CalendarFeed


@transaction.atomic
def calendar_feed_renew(*, user):
    """Give ``user`` a new secret calendar address; the old one, if any, stops
    working at once. Two clicks at the same time leave one address."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)
