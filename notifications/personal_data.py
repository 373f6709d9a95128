"""A member's notices and channel choice, for their own data export and for
deletion (``members.registry``)."""

from django.utils.translation import gettext_lazy as _

from members.registry import PersonalDataSection, register

from .models import Channel, ChannelPreference, Notice, PhoneCode, Preference, Status


def export_notices(user):
    return [
        {
            "fecha": row.created_at.isoformat(),
            "canal": row.channel,
            "estado": row.status,
            "texto": row.get_text_display(),
        }
        for row in Notice.objects.filter(user=user).order_by("created_at", "pk")
    ]


def export_preference(user):
    return [
        {
            "canal": row.channel,
            "telefono_verificado": row.verified_phone,
            "verificado_el": row.phone_verified_at.isoformat()
            if row.phone_verified_at
            else None,
            "chat_telegram": row.telegram_chat,
        }
        for row in ChannelPreference.objects.filter(user=user)
    ]


def erase_notices(user):
    """A deleted account keeps no notices, no channel choice and no verified
    phone; any notice asked for later is skipped (the account is inactive)."""
    Notice.objects.filter(user=user).delete()
    ChannelPreference.objects.filter(user=user).delete()
    PhoneCode.objects.filter(user=user).delete()


def connect():
    register(
        PersonalDataSection(
            "avisos_recibidos",
            _("Notices received"),
            export_notices,
            erase_notices,
            fields={
                "texto": _("Text"),
                "fecha": _("Date"),
                "canal": _("Channel"),
                "estado": _("Status"),
            },
            choices={"canal": Channel, "estado": Status},
        )
    )
    register(
        PersonalDataSection(
            "canal_de_avisos",
            _("Channel of notices"),
            export_preference,
            fields={
                "canal": _("Channel"),
                "telefono_verificado": _("Verified phone"),
                "verificado_el": _("Verified on"),
                "chat_telegram": _("Telegram chat"),
            },
            choices={"canal": Preference},
        )
    )
