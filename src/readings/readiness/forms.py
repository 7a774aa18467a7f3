"""Forms for the plan pages; the services do the real checking."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from readings.accounts.models import User
from readings.readiness.models import (
    Level,
    LogKind,
    LogStatus,
    Phase,
    Side,
    TaskStatus,
    TeamRole,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class GoLiveForm(forms.Form):
    go_live_date = forms.DateField(
        label=_("Go-live date"),
        widget=DateInput(),
        help_text=_("Usually the first day of a term."),
    )
    reset_fixed_dates = forms.BooleanField(
        label=_("Also move the due dates set by hand"), required=False
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices, initial=Side.INSTITUTION)
    responsible_role = forms.ChoiceField(label=_("Responsible role"), choices=TeamRole.choices)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskProgressForm(forms.Form):
    """What a team member may change on their own task."""

    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=TeamRole.choices)

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            institution=institution, is_active=True
        ).order_by("last_name", "first_name", "username")


class LogEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LogKind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    likelihood = forms.ChoiceField(
        label=_("Likelihood"), choices=Level.choices, initial=Level.MEDIUM
    )
    impact = forms.ChoiceField(label=_("Impact"), choices=Level.choices, initial=Level.MEDIUM)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    mitigation = forms.CharField(
        label=_("Mitigation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(label=_("Status"), choices=LogStatus.choices, initial=LogStatus.OPEN)

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            institution=institution, is_active=True
        ).order_by("last_name", "first_name", "username")
