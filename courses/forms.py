"""Forms of the courses' public pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Certificate


class CertificateCodeForm(forms.Form):
    """The code printed on a constancia, typed as a person reads it (GET)."""

    codigo = forms.CharField(
        label=_("Code of the constancia"),
        max_length=64,
        help_text=_(
            "It is printed under the QR code, for example 7KQ3-M9XD-2HVB-RT4N-CWZ8. "
            "Capitals or lower case, with or without dashes."
        ),
        error_messages={"required": _("Type the code printed on the constancia.")},
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "autocorrect": "off",
                "spellcheck": "false",
            }
        ),
    )

    def clean_codigo(self):
        certificate = Certificate.objects.matching(self.cleaned_data["codigo"]).first()
        if certificate is None:
            raise forms.ValidationError(
                _(
                    "No constancia has this code. Check that you copied it "
                    "completely; the letters O, I and L are read as 0, 1 and 1."
                ),
                code="unknown",
            )
        self.certificate = certificate
        return certificate.code
