"""Forms of the records pages. No JavaScript: plain fields, native date inputs."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_flow.constants import Outcome, RefusalGround, WithdrawalChannel


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class WithdrawalForm(forms.Form):
    """An officer records a withdrawal received by mail, post, phone or at the desk."""

    channel = forms.ChoiceField(
        label=_("How did the withdrawal reach us?"),
        choices=[
            (c.value, c.label) for c in WithdrawalChannel if c != WithdrawalChannel.STATUS_PAGE
        ],
        widget=forms.RadioSelect,
    )
    received_on = _date_field(_("Date the withdrawal was received"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(label=_("What was lodged?"), widget=forms.RadioSelect)
    received_on = _date_field(_("Date of receipt"))
    summary = forms.CharField(
        label=_("What it is about (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]


class RevisedDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Revised decision"),
        choices=[
            (Outcome.GRANTED.value, Outcome.GRANTED.label),
            (Outcome.PARTLY_GRANTED.value, Outcome.PARTLY_GRANTED.label),
            (Outcome.REFUSED.value, Outcome.REFUSED.label),
        ],
        widget=forms.RadioSelect,
    )
    refusal_ground = forms.ChoiceField(
        label=_("Refusal ground (for a refusal)"),
        choices=[("", "—")]
        + [(g.value, g.label) for g in RefusalGround if g != RefusalGround.NO_REPLY],
        required=False,
    )
    reasons = forms.CharField(
        label=_("Reasons (Awb 3:46 and 7:12)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )


class CloseRemedyForm(forms.Form):
    note = forms.CharField(
        label=_("How did it end?"),
        help_text=_("For example: withdrawn, declared unfounded, the AP closed the complaint."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class IncidentForm(forms.Form):
    what = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "For example: the answer was sent to the wrong person. No more personal data "
            "than needed."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    occurred_on = _date_field(_("When did it happen?"))
    noticed_on = _date_field(_("When was it noticed?"), initial=timezone.localdate)
    noticed_by = forms.CharField(label=_("Who noticed it?"), max_length=200)
    measures = forms.CharField(
        label=_("Measures taken"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class DispatchForm(forms.Form):
    dispatched_on = _date_field(_("Date of posting"), initial=timezone.localdate)
