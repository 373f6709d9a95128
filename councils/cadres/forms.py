"""The cadre pathway's forms: the dashboard's filters, mentors, endorsement by
the assembly, check-in notes, and a role's requirements in the admin."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.cache import axes_ordered

from ..models import (
    LeadershipRole,
    Meeting,
    RequirementKind,
    RoleRequirement,
    ScopeLevel,
)
from .readiness import leadership_roles


class DashboardFilterForm(forms.Form):
    """The dashboard's filters; a forged value is reported and ignored."""

    eje = forms.ChoiceField(label=_("Axis"), required=False)
    cargo = forms.ChoiceField(label=_("Role held"), required=False)
    avance = forms.ChoiceField(
        label=_("Readiness"),
        required=False,
        choices=[
            ("", _("Any")),
            ("0-49", _("Less than half")),
            ("50-79", _("From half to 79%")),
            ("80-99", _("Almost ready (80–99%)")),
            ("listo", _("Ready for the next role")),
        ],
    )
    inactivos = forms.BooleanField(
        label=_("Inactive for 30 days or more"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eje"].choices = [("", _("Any"))] + [
            (axis.slug, f"{axis.number}. {axis.name}") for axis in axes_ordered()
        ]
        self.fields["cargo"].choices = [("", _("Any"))] + [
            (role.slug, role.name) for role in leadership_roles()
        ]

    def filters(self):
        """The valid filters only: an invalid field is dropped, not guessed."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value and name not in self.errors
        }


class MentorshipForm(forms.Form):
    mentee = forms.ModelChoiceField(
        label=_("Member"),
        queryset=get_user_model().objects.none(),
        error_messages={
            "invalid_choice": _("That person is not an active member of this council.")
        },
    )
    mentor = forms.ModelChoiceField(
        label=_("Mentor (acompañante)"),
        queryset=get_user_model().objects.none(),
        error_messages={
            "invalid_choice": _("The mentor must be an active member of this council.")
        },
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("mentee", "mentor"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = lambda user: (
                user.get_full_name() or user.username
            )


class EndorsementForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=get_user_model().objects.none(),
        error_messages={
            "invalid_choice": _("That person is not an active member of this council.")
        },
    )
    role = forms.ModelChoiceField(
        label=_("Role"),
        queryset=LeadershipRole.objects.filter(scope_level=ScopeLevel.COUNCIL),
    )
    meeting = forms.ModelChoiceField(
        label=_("Endorsing assembly"),
        queryset=Meeting.objects.none(),
        help_text=_("A closed assembly of this council, with its acta."),
        error_messages={
            "invalid_choice": _(
                "Choose a closed assembly of this council that has its acta."
            )
        },
    )
    started_on = forms.DateField(
        label=_("Since"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the person does not meet every requirement."),
    )

    def __init__(self, *args, members, assemblies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )
        self.fields["meeting"].queryset = assemblies


class MentorNoteForm(forms.Form):
    met_on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    text = forms.CharField(
        label=_("What you talked about"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class LeadershipRoleForm(WagtailAdminModelForm):
    """Refuses requirements that would make a role require itself, directly or
    through other roles (A needs B needs A): nobody could ever reach them."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("requirements")
        if formset is None or not formset.is_valid():
            return cleaned
        required = {
            form.cleaned_data["required_role"].pk
            for form in formset.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("kind") == RequirementKind.ROLE_HELD
            and form.cleaned_data.get("required_role")
        }
        role_id = self.instance.pk
        if role_id is None:
            return cleaned
        if role_id in required or self._reaches(required, role_id):
            raise forms.ValidationError(
                _(
                    "These requirements form a cycle: this role would end up "
                    "requiring itself, so nobody could ever reach it."
                )
            )
        return cleaned

    @staticmethod
    def _reaches(start, target):
        edges = {}
        for role_id, required_id in RoleRequirement.objects.filter(
            kind=RequirementKind.ROLE_HELD, required_role__isnull=False
        ).values_list("role_id", "required_role_id"):
            edges.setdefault(role_id, set()).add(required_id)
        seen, stack = set(), list(start)
        while stack:
            current = stack.pop()
            if current == target:
                return True
            if current in seen:
                continue
            seen.add(current)
            stack.extend(edges.get(current, ()))
        return False
