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
            "direccion": row.address,
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


def when(moment):
    return moment.isoformat() if moment else None


def export_phone_codes(user):
    """The codes sent to verify her phone: to which number, by which channel,
    when, until when, whether used. Never the code (only its hash is kept,
    and the hash is no data about her)."""
    return [
        {
            "telefono": row.phone,
            "canal": row.channel,
            "creado_el": when(row.created_at),
            "vence_el": when(row.expires_at),
            "usado_el": when(row.used_at),
        }
        for row in PhoneCode.objects.filter(user=user).order_by("created_at", "pk")
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
                "direccion": _("Sent to"),
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
    register(
        PersonalDataSection(
            "codigos_de_telefono",
            _("Phone verification codes"),
            export_phone_codes,
            fields={
                "telefono": _("Phone"),
                "canal": _("Channel"),
                "creado_el": _("Code sent on"),
                "vence_el": _("Valid until"),
                "usado_el": _("Used on"),
            },
            choices={"canal": Channel},
        )
    )
