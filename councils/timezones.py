"""A member's time zone, from the state of her council, for the quiet hours of
notices (registered with ``notifications.zones`` in ``CouncilsConfig.ready``)."""

from zoneinfo import ZoneInfo

from .models import Membership

# INEGI state code → IANA zone, where it is not Mexico City's. Chihuahua's
# border strip (Ciudad Juárez) keeps another zone; the state's is used.
STATE_ZONES = {
    "02": "America/Tijuana",  # Baja California
    "03": "America/Mazatlan",  # Baja California Sur
    "08": "America/Chihuahua",  # Chihuahua
    "18": "America/Mazatlan",  # Nayarit
    "23": "America/Cancun",  # Quintana Roo
    "25": "America/Mazatlan",  # Sinaloa
    "26": "America/Hermosillo",  # Sonora
}
DEFAULT_ZONE = "America/Mexico_City"


def zone_of_state(code):
    return STATE_ZONES.get(code, DEFAULT_ZONE)


def council_zone(council):
    """The ``ZoneInfo`` of ``council``'s state (Mexico City's without one)."""
    state = getattr(council, "state", None)
    return ZoneInfo(zone_of_state(state.code) if state else DEFAULT_ZONE)


def user_zone(user):
    """The zone of ``user``'s active council, or None (no council, no state)."""
    code = (
        Membership.objects.active()
        .filter(user=user)
        .values_list("council__state__code", flat=True)
        .first()
    )
    return zone_of_state(code) if code else None
