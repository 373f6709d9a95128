from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .models import Preference

# A chat's number (a group's starts with "-") or a public name.
telegram_chat_validator = RegexValidator(
    r"^(-?[0-9]{5,20}|@[A-Za-z0-9_]{5,32})\Z",
    _(
        "That is not a Telegram chat id: write the number your chat has "
        "(5 to 20 digits, a group's begins with -) or its @name (5 to 32 "
        "letters, digits or _)."
    ),
)


class PreferenceForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How do you want to get notices?"),
        choices=Preference.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    telegram_chat = forms.CharField(
        label=_("Your Telegram chat id (only for Telegram)"),
        max_length=64,
        required=False,
        validators=[telegram_chat_validator],
        help_text=_("A number such as 123456789, or an @name."),
    )

    def clean_telegram_chat(self):
        return self.cleaned_data["telegram_chat"].strip()

    def clean(self):
        data = super().clean()
        if data.get("channel") == Preference.TELEGRAM and not data.get("telegram_chat"):
            self.add_error(
                "telegram_chat",
                _("Write your Telegram chat id to get notices by Telegram."),
            )
        return data


class PhoneCodeForm(forms.Form):
    # Within the database's integers: a forged huge id is refused by the form.
    code_id = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    code = forms.CharField(
        label=_("The 6-digit code you got"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("The code has 6 digits."))
        return code
