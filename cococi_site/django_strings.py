"""Messages of Django's own, as this site says them. Listed here, never called,
so that ``make makemessages`` keeps them in our catalogue (``locale/es_MX``,
which takes precedence over Django's); ``tests/cococi_site/test_i18n.py`` checks
that Django still has each one.

- Day and month names, as Mexican Spanish writes them: in lower case ("sábado
  6 de diciembre", "19 de mayo de 2026"). Django's ``es_MX`` catalogue
  capitalises them ("19 de Mayo de 2026"), against the usage of the RAE and of
  the Mexican state's own documents; ``es`` does not.
- The messages of forms and of passwords a person meets on the site, which
  Django's Spanish says to "usted" ("Introduzca…", "Su contraseña…") while the
  site says "tú" everywhere else.
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

DAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
DAY_ABBREVIATIONS = [
    _("Mon"),
    _("Tue"),
    _("Wed"),
    _("Thu"),
    _("Fri"),
    _("Sat"),
    _("Sun"),
]
MONTHS = [
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
]
# The "alt." forms are those of a date ("19 de mayo"), the "abbrev." those of
# Associated Press style ("N"), which spells the short months in full.
MONTHS_IN_A_DATE = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
MONTH_ABBREVIATIONS = [
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
]

FORM_MESSAGES = [
    _("Enter a valid value."),
    _("Enter a valid URL."),
    _("Enter a valid email address."),
    _("Enter a number."),
    _("Enter a whole number."),
    _("Enter a valid date."),
    _("Enter a valid time."),
    _("Enter a valid date/time."),
    _("Enter a valid duration."),
    _("Enter a list of values."),
    _("Enter a complete value."),
    _("Ensure this value is less than or equal to %(limit_value)s."),
    _("Ensure this value is greater than or equal to %(limit_value)s."),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character "
        "(it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters "
        "(it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character "
        "(it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters "
        "(it has %(show_value)d).",
        "limit_value",
    ),
    _("Select a valid choice. %(value)s is not one of the available choices."),
    _("Select a valid choice. That choice is not one of the available choices."),
    _("No file was submitted. Check the encoding type on the form."),
    _(
        "Upload a valid image. The file you uploaded was either not an image or "
        "a corrupted image."
    ),
    _("Please either submit a file or check the clear checkbox, not both."),
]
PASSWORD_MESSAGES = [
    _(
        "Please enter a correct %(username)s and password. Note that both fields "
        "may be case-sensitive."
    ),
    _("Your old password was entered incorrectly. Please enter it again."),
    _("Old password"),
    _("Enter the same password as before, for verification."),
    _("The password is too similar to the %(verbose_name)s."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    _("Your password can’t be too similar to your other personal information."),
    _("Your password can’t be a commonly used password."),
    _("Your password can’t be entirely numeric."),
    _(
        "Enter a valid username. This value may contain only letters, numbers, "
        "and @/./+/-/_ characters."
    ),
]
