import apprise
from django.core.checks import Error
from django.utils.translation import gettext as _

from . import channels


def readable(url):
    """Whether Apprise can use ``url``: some malformed ones (an unclosed IPv6
    host) make it raise instead of saying no."""
    try:
        return bool(apprise.Apprise().add(url))
    except Exception:  # noqa: BLE001 — any refusal is the same error here
        return False


def channel_urls(app_configs=None, **kwargs):
    """A channel URL Apprise cannot read is an error at start, not a failed
    notice later. The message names the setting, never the URL (it holds the
    provider's secret)."""
    errors = []
    for channel in (channels.SMS, channels.WHATSAPP, channels.TELEGRAM):
        template = channel.template()
        if not template:
            continue
        sample = template.replace(
            f"{{{channel.placeholder}}}", channels.SAMPLES[channel.placeholder]
        )
        if "{" in sample or not readable(sample):
            errors.append(
                Error(
                    _(
                        "%(setting)s is not a notification URL Apprise can use "
                        "(the recipient goes where {%(placeholder)s} is)."
                    )
                    % {"setting": channel.setting, "placeholder": channel.placeholder},
                    hint=_(
                        "Each provider's URL: https://github.com/caronc/apprise/wiki"
                    ),
                    id="notifications.E001",
                )
            )
    return errors
