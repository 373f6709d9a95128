from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    regex=r"^\+?[0-9 ]{10,16}$",
    message=_(
        "Enter a 10-digit phone number including the area code; it may start with +52."
    ),
)


class User(AbstractUser):
    """A person with an account: member, leader, editor or coordinator.

    Many members have a phone and no e-mail, so e-mail is optional and a phone
    number can be recorded instead.
    """

    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[phone_validator]
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username
