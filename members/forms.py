from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from cococi_site.pages import validate_person_name
from cococi_site.spreadsheets import validate_not_formula

from .models import Purpose, User


class RegistrationForm(UserCreationForm):
    """Sign-up with a name, a username and a password; phone and e-mail optional.

    Consent boxes are never pre-ticked: the necessary purpose must be ticked to
    register, each voluntary one is the person's free choice.
    """

    first_name = forms.CharField(
        label=_("Name(s)"),
        max_length=150,
        validators=[validate_not_formula, validate_person_name],
    )
    last_name = forms.CharField(
        label=_("Surname(s)"),
        max_length=150,
        required=False,
        validators=[validate_not_formula, validate_person_name],
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("Only needed to recover your password by e-mail."),
    )
    consent_necessary = forms.BooleanField(
        label=Purpose.NECESSARY.label,
        error_messages={
            "required": _("To register you must accept the necessary use of your data.")
        },
    )
    consent_voluntary = forms.MultipleChoiceField(
        label=_("Voluntary (optional)"),
        choices=[(purpose.value, purpose.label) for purpose in Purpose.voluntary()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("first_name", "last_name", "username", "phone", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = _(
            "With it you sign in. Letters, digits and @ . + - _ only."
        )
        self.fields["username"].widget.attrs.update(autocomplete="username")
        self.fields["first_name"].widget.attrs.update(autocomplete="given-name")
        self.fields["last_name"].widget.attrs.update(autocomplete="family-name")
        self.fields["email"].widget.attrs.update(autocomplete="email")

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone:
            User._meta.get_field("phone").run_validators(phone)
        return phone


class NoticeAcceptForm(forms.Form):
    """A new version of the notice, accepted as at registration: the box for
    the necessary purpose, never pre-ticked."""

    version = forms.CharField(max_length=30, widget=forms.HiddenInput)
    consent_necessary = forms.BooleanField(
        label=Purpose.NECESSARY.label,
        error_messages={
            "required": _(
                "Tick the box to accept the necessary use of your data. If you do "
                "not agree with it, you can delete your account in My data."
            )
        },
    )


class ProfileForm(forms.ModelForm):
    """Rectification: the person corrects their own data (a name that begins
    like a formula is refused by the model's fields)."""

    class Meta:
        model = User
        fields = ("first_name", "last_name", "phone", "email")
        labels = {
            "first_name": _("Name(s)"),
            "last_name": _("Surname(s)"),
            "phone": _("Phone"),
            "email": _("E-mail"),
        }


class ConsentForm(forms.Form):
    voluntary = forms.MultipleChoiceField(
        label=_("I accept"),
        choices=[(purpose.value, purpose.label) for purpose in Purpose.voluntary()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class SignInCodeForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=20,
        help_text=_("The code your council's leaders gave you, e.g. 7KQ4-MX2P."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_(
            "The six digits your authenticator app shows now, or one of your "
            "recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "size": 12}
        ),
    )


class TwoFactorSetupForm(forms.Form):
    """The six digits of the key just shown, which turn the app on."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 12}
        ),
    )


class TwoFactorActivationForm(forms.Form):
    """For an account that sees others' data, the activation code given by
    whoever leads them: only with it is a key shown."""

    activation = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        help_text=_(
            "The code your council's coordination gave you for this, in person "
            "or by phone, e.g. 7KQ4-MX2P."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 12}),
    )
