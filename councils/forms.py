from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from cococi_site.pages import (
    validate_one_line,
    validate_person_name,
    validate_plain_text,
)
from cococi_site.spreadsheets import validate_not_formula
from courses.models import CoursePage, LessonPage
from members.models import Purpose, phone_validator

from . import names
from .models import (
    LeadershipRole,
    Meeting,
    Municipality,
    RoleAssignment,
    ScopeLevel,
    State,
    council_name_taken,
)
from .services.membership import active_members
from .validators import check_file_content, validate_acta


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of objects by id that refuses a number too large for
    the database before asking it (SQLite fails on one, an error 500)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if len(str(pk)) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class LessonsByCourseWidget(forms.CheckboxSelectMultiple):
    """Checkboxes grouped by course (choices as ``[(course, [(id, lesson)])]``):
    each course a collapsed ``<details>`` whose summary counts the lessons
    chosen, open when one is. A leader finds the course, then its lessons;
    lessons of the same title in two courses are told apart, and the list
    is one line per course on a phone. No script."""

    template_name = "councils/widgets/lessons_by_course.html"

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates, not only the forms app's own.
        return super().render(name, value, attrs, TemplatesSetting())

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["courses"] = [
            {
                "title": title,
                "options": options,
                "chosen": sum(1 for option in options if option["selected"]),
            }
            for title, options, _index in context["widget"]["optgroups"]
        ]
        return context


def lessons_by_course(lessons):
    """``lessons`` (LessonPage rows) as grouped choices, one group per course
    (two courses of the same title stay apart) under its title, in the page
    tree's order."""
    lessons = list(lessons.order_by("path").values_list("pk", "title", "path"))
    step = LessonPage.steplen
    titles = dict(
        CoursePage.objects.filter(
            path__in={path[:-step] for _pk, _title, path in lessons}
        ).values_list("path", "title")
    )
    groups = {}
    for pk, title, path in lessons:
        groups.setdefault(path[:-step], []).append((pk, title))
    return [(titles.get(course, ""), choices) for course, choices in groups.items()]


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("aceptar", _("Accept")), ("rechazar", _("Reject"))]
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        validators=[validate_plain_text],
    )


PAPER_NOTICES = _(
    "Notices: receive text messages (SMS) on their phone, or e-mails, about "
    "meetings, courses and activities of the council"
)
PAPER_CONTACT = _("Contact: the council's coordination may call them by phone")


class OfflineMemberForm(forms.Form):
    first_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        validators=[validate_not_formula, validate_person_name],
    )
    last_name = forms.CharField(
        label=_("Last names"),
        max_length=150,
        required=False,
        validators=[validate_not_formula, validate_person_name],
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, validators=[phone_validator]
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    consent_voluntary = forms.MultipleChoiceField(
        label=_("What else the person accepted on the paper form"),
        choices=[(purpose, purpose.label) for purpose in Purpose.voluntary()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Mark only what the person ticked on paper. Notices by text message "
            "(SMS) go to the phone written above, once the person shows the number "
            "is theirs (by signing in with a code sent to it)."
        ),
    )
    paper_consent = forms.BooleanField(
        label=_(
            "The person read the privacy notice and signed the paper consent form, "
            "which the council keeps: they accept the use of their data for their "
            "account, their formation and their participation in the council, "
            "including their affiliation to the movement (sensitive data)."
        ),
        error_messages={
            "required": _("Without the signed consent form nobody can be registered.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the words of the paper form a leader reads out.
        words = {Purpose.NOTICES: PAPER_NOTICES, Purpose.COUNCIL_CONTACT: PAPER_CONTACT}
        self.fields["consent_voluntary"].choices = [
            (purpose, words.get(purpose, purpose.label))
            for purpose in Purpose.voluntary()
        ]

    def clean(self):
        data = super().clean()
        if (
            Purpose.NOTICES in data.get("consent_voluntary", ())
            and not data.get("phone")
            and not data.get("email")
        ):
            self.add_error(
                "phone",
                _(
                    "The person accepted notices: write the phone number where "
                    "they get text messages (or their e-mail)."
                ),
            )
        return data


class MembersImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: nombre, apellidos, telefono, correo, avisos (sí/no), "
            "contacto (sí/no). At most 500 people."
        ),
    )
    paper_consent = OfflineMemberForm.base_fields["paper_consent"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("The file is too large (1 MB at most)."))
        return upload


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=200,
        required=False,
        validators=[validate_one_line],
        help_text=_("Short: it goes in the notice the members receive."),
    )


class MeetingForm(forms.ModelForm):
    acta_file = forms.FileField(
        label=_("Acta (PDF or photo)"),
        required=False,
        help_text=_("Kept in the council's private files."),
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "duration_minutes",
            "place",
            "modality",
            "agenda",
            "lessons",
            "agreements",
            "facilitator",
            "is_public",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "agreements": forms.Textarea(attrs={"rows": 4}),
            "lessons": LessonsByCourseWidget,
        }
        field_classes = {"lessons": IdsChoiceField}

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council
        # Only lessons open to everyone: a forged id of a restricted course's
        # lesson is "not one of the available choices".
        lessons = LessonPage.objects.open_to_all()
        self.fields["lessons"].queryset = lessons
        self.fields["lessons"].widget.choices = lessons_by_course(lessons)
        # Members of the council, or trainers who travel between councils:
        # people holding an office today whose reach covers this council (the
        # nation's, or this state's). Someone whose office ended is not offered;
        # a meeting's facilitator already chosen stays, so that editing it
        # does not fail.
        offices = RoleAssignment.objects.active().filter(
            Q(role__scope_level=ScopeLevel.NATIONAL)
            | Q(role__scope_level=ScopeLevel.STATE, state_id=council.state_id)
        )
        facilitators = Q(pk__in=active_members(council).values("pk")) | Q(
            pk__in=offices.values("user_id")
        )
        if self.instance.facilitator_id:
            facilitators |= Q(pk=self.instance.facilitator_id)
        self.fields["facilitator"].queryset = (
            get_user_model()
            .objects.filter(facilitators)
            .order_by("first_name", "username")
        )
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_acta_file(self):
        upload = self.cleaned_data.get("acta_file")
        if upload:
            validate_acta(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "circulo" and not cleaned.get("lessons"):
            self.add_error(
                "lessons", _("Choose the lessons the study circle worked on.")
            )
        return cleaned


class AttendanceForm(forms.Form):
    present = IdsChoiceField(
        label=_("Present"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _(
                "The list names someone who is not a member of this council."
            ),
            "invalid_pk_value": _("The list names someone who does not exist."),
        },
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members
        self.fields["present"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )


class ConstitutionRequestForm(forms.Form):
    proposed_name = forms.CharField(
        label=_("Proposed name"), max_length=150, validators=[validate_one_line]
    )
    # Chosen in a first step (``councils.views.constitution_request``).
    state = forms.ModelChoiceField(
        label=_("State"), queryset=State.objects.all(), widget=forms.HiddenInput
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        help_text=_("Leave empty for a council of a sector."),
    )
    sector = forms.CharField(
        label=_("Sector"),
        max_length=120,
        required=False,
        help_text=_("For councils that are not territorial."),
        validators=[validate_one_line],
    )
    assembly_on = forms.DateField(
        label=_("Date of the constitutive assembly"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    assembly_place = forms.CharField(
        label=_("Place of the assembly"),
        max_length=200,
        validators=[validate_one_line],
        # Kept with the request and the assembly's record, never published:
        # it may be someone's home.
        help_text=_(
            "Only the state coordination reading the request sees it: it is "
            "not published. Once the council exists, its leaders write on its "
            "page where it meets."
        ),
    )
    acta = forms.FileField(
        label=_("Acta of the assembly (PDF or photo)"), validators=[validate_acta]
    )

    field_order = ["state", "proposed_name", "municipality", "sector"]

    def __init__(self, *args, state=None, **kwargs):
        """Only the municipalities of one state are offered (INEGI's catalogue
        has some 2,470): ``state``, or the one the bound form names. The
        state itself was chosen in the step before."""
        super().__init__(*args, **kwargs)
        if self.is_bound:
            try:
                state = self.fields["state"].clean(
                    self.data.get(self.add_prefix("state"))
                )
            except forms.ValidationError:
                state = None
        elif state is not None:
            self.initial.setdefault("state", state.pk)
        self.state_chosen = state
        municipality = self.fields["municipality"]
        # Any municipality is valid input, so that one of another state is
        # told as such (``clean``) and a forged id as "not available"; the
        # select offers the chosen state's only.
        municipality.queryset = Municipality.objects.all()
        municipality.widget.choices = [
            ("", "---------"),
            *Municipality.objects.filter(state=state).values_list("pk", "name"),
        ]
        if state is not None:
            municipality.help_text = _(
                "Municipalities of %(state)s. Leave empty for a council of a sector."
            ) % {"state": state.name}

    def clean_assembly_on(self):
        day = self.cleaned_data["assembly_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("The constitutive assembly must already have taken place.")
            )
        return day

    def clean(self):
        cleaned = super().clean()
        state = cleaned.get("state")
        municipality = cleaned.get("municipality")
        sector = cleaned.get("sector", "").strip()
        if state and municipality and municipality.state_id != state.pk:
            self.add_error(
                "municipality", _("That municipality is not in the chosen state.")
            )
        if not municipality and not sector:
            self.add_error(
                "municipality", _("Choose a municipality or write a sector.")
            )
        name = cleaned.get("proposed_name", "")
        if (
            name
            and (municipality or sector)
            and council_name_taken(
                name, municipality.pk if municipality else None, sector
            )
        ):
            self.add_error(
                "proposed_name",
                _("There is already a council with this name there."),
            )
        return cleaned


class FounderForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        validators=[validate_not_formula, validate_person_name],
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, validators=[phone_validator]
    )
    username = forms.CharField(
        label=_("Username on this site (if they have one)"),
        max_length=150,
        required=False,
        validators=[validate_not_formula],
        help_text=_("They will be asked to confirm that they are a founder."),
    )
    role = forms.ModelChoiceField(
        label=_("Elected position"),
        queryset=LeadershipRole.objects.filter(scope_level=ScopeLevel.COUNCIL),
        required=False,
    )

    def clean(self):
        """A username is taken as written and never looked up in a way the
        page could tell apart: whether it names an account is not said (having
        one here tells of a membership). An account it names is linked, and
        its owner asked to confirm; a name it does not is only a name."""
        cleaned = super().clean()
        username = cleaned.get("username", "").strip()
        cleaned["username"] = username
        cleaned["user"] = (
            get_user_model()
            .objects.active_people()
            .filter(username__iexact=username)
            .first()
            if username
            else None
        )
        if username and not cleaned.get("full_name"):
            cleaned["full_name"] = username
        if cleaned.get("role") and not cleaned.get("full_name"):
            self.add_error("full_name", _("Write the person's name."))
        return cleaned


class BaseFounderFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        founders = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("full_name")
        ]
        minimum = settings.COUNCIL_MIN_FOUNDERS
        if len(founders) < minimum:
            raise forms.ValidationError(
                _("Name at least %(minimum)s founding members.") % {"minimum": minimum}
            )
        # Compared as written, as everything here: the same for a username
        # that names an account and one that does not.
        usernames = [f["username"].casefold() for f in founders if f["username"]]
        if len(usernames) != len(set(usernames)):
            raise forms.ValidationError(_("A person appears twice among the founders."))
        if not any(
            founder["username"] and founder["role"] and founder["role"].grants_editing
            for founder in founders
        ):
            raise forms.ValidationError(
                _(
                    "At least one person elected to coordinate the council must have "
                    "an account here, so that someone can edit its page."
                )
            )
        # Two ways of writing one account (never the case for usernames as
        # this site stores them) link it once.
        linked = set()
        for founder in founders:
            if founder["user"] in linked:
                founder["user"] = None
            elif founder["user"]:
                linked.add(founder["user"])
        self.founders = founders


FounderFormSet = forms.formset_factory(
    FounderForm, formset=BaseFounderFormSet, extra=8, max_num=40, validate_max=True
)


class ConstitutionDecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("aprobar", _("Approve")), ("rechazar", _("Reject"))]
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[validate_plain_text],
        help_text=_("Required to reject; the requester will read it."),
    )


class PersonalRowsForm(forms.Form):
    motivo = forms.CharField(
        label=_("Why do you need to see people by name?"),
        max_length=300,
        help_text=_("Your reason is recorded with your name and the date."),
    )

    def clean_motivo(self):
        """Kept normalised; only letters and digits count toward the minimum
        (12 zero-width spaces are not a reason)."""
        reason = names.reason_normalise(self.cleaned_data["motivo"])
        if names.visible_length(reason) < names.REASON_MIN_VISIBLE:
            raise forms.ValidationError(
                _("Write your reason with at least %(minimum)s letters or digits."),
                params={"minimum": names.REASON_MIN_VISIBLE},
            )
        return reason


class CheckedDocumentForm(BaseDocumentForm):
    """Wagtail's document form (``WAGTAILDOCS_DOCUMENT_FORM_BASE``), for actas
    and materials alike: a file named .pdf, .jpg, .png… must be one, and an
    image must be within the pixel limit. Wagtail checks the extension
    (``WAGTAILDOCS_EXTENSIONS``) and the size (``WAGTAILDOCS_MAX_UPLOAD_SIZE``)."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            check_file_content(upload)
        return upload


class DecodedImageField(WagtailImageField):
    """Wagtail's image field, for which a picture with a sound header and
    broken data (a PNG cut short, a corrupt stream) is not a valid image: Wagtail
    lets Pillow's error out of the form when it decodes it to count its pixels,
    an error 500 (wagtail#1354)."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise forms.ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from error


class CheckedImageForm(BaseImageForm):
    """Wagtail's image form (``WAGTAILIMAGES_IMAGE_FORM_BASE``), behind every
    image upload of the admin: one at a time, several at once, the chooser's.
    Wagtail checks format, size and pixels; a broken picture is refused here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail makes this field itself (images.forms.formfield_for_dbfield),
        # whatever the base form declares; the same field, decoded safely.
        field = self.fields.get("file")
        if field is not None:
            self.fields["file"] = DecodedImageField(
                label=field.label, required=field.required, widget=field.widget
            )
