"""Forms of the rights decided per item (AVG 16, 17, 18, 20, 21): what the public form asks per
right, the per-item assessment, execution, AVG 19 and the restriction's lifting."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import SourceSystem
from requests_flow.constants import (
    ITEM_GROUNDS,
    ErasureGround,
    ItemDecision,
    RestrictionGround,
    Right,
)
from requests_flow.forms import (
    ASK,
    EXCESSIVE,
    MANIFESTLY_UNFOUNDED_CHOICES,
    UNFOUNDED,
    YES_NO,
    CaseDatesForm,
    InformationRequestFields,
    MultipleFileField,
    _checked_uploads,
)

RECTIFICATION_ROWS = 3


class RightDetailsForm(forms.Form):
    """The questions the public form asks per right (prefix ``details``), validated only for
    the rights the requester ticked. Plain fieldsets: no JavaScript needed."""

    def __init__(self, *args, available_rights=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.available_rights = list(available_rights)
        if Right.RECTIFICATION in self.available_rights:
            for n in range(RECTIFICATION_ROWS):
                self.fields[f"item_{n}_what"] = forms.CharField(
                    label=_("Which data (item %(n)s)") % {"n": n + 1},
                    max_length=300,
                    required=False,
                    help_text=_("For example: address, date of birth, a note in your file."),
                )
                self.fields[f"item_{n}_current"] = forms.CharField(
                    label=_("What it says now (item %(n)s)") % {"n": n + 1},
                    required=False,
                    max_length=2000,
                )
                self.fields[f"item_{n}_correct"] = forms.CharField(
                    label=_("What it should say (item %(n)s)") % {"n": n + 1},
                    required=False,
                    max_length=2000,
                )
            self.fields["evidence"] = MultipleFileField(
                label=_("Evidence (optional; PDF, PNG or JPEG)"),
                required=False,
                help_text=_("Make your BSN and photo unreadable on copies of ID documents."),
            )
        if Right.ERASURE in self.available_rights:
            self.fields["erasure_what"] = forms.CharField(
                label=_("Which data should we erase?"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
            )
            self.fields["erasure_ground"] = forms.ChoiceField(
                label=_("Why should we erase them?"),
                choices=ErasureGround.choices,
                widget=forms.RadioSelect,
                required=False,
            )
        if Right.RESTRICTION in self.available_rights:
            self.fields["restriction_what"] = forms.CharField(
                label=_("Which data or which use should we restrict?"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
            )
            self.fields["restriction_ground"] = forms.ChoiceField(
                label=_("Why?"),
                choices=RestrictionGround.choices,
                widget=forms.RadioSelect,
                required=False,
            )
        if Right.OBJECTION in self.available_rights:
            self.fields["objection_what"] = forms.CharField(
                label=_("Which use of your data do you object to?"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
            )
            self.fields["objection_situation"] = forms.CharField(
                label=_("What is your particular situation?"),
                help_text=_("Tell us why this use of your data is a problem for you."),
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                max_length=5000,
            )
        if Right.PORTABILITY in self.available_rights:
            self.fields["portability_what"] = forms.CharField(
                label=_("Which data do you want to receive in a file? (optional)"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
            )

    def fieldsets(self):
        """The fields per right, for the template: (right label, fields)."""
        groups = {
            Right.RECTIFICATION: ("item_", "evidence"),
            Right.ERASURE: ("erasure_",),
            Right.RESTRICTION: ("restriction_",),
            Right.OBJECTION: ("objection_",),
            Right.PORTABILITY: ("portability_",),
        }
        for right, prefixes in groups.items():
            fields = [self[name] for name in self.fields if name.startswith(prefixes)]
            if fields:
                yield Right(right).label, fields

    def clean_evidence(self):
        return _checked_uploads(self.cleaned_data.get("evidence") or [])

    def validate_for(self, rights) -> bool:
        """Check the answers the ticked rights need; adds errors and returns validity."""
        data = self.cleaned_data
        if Right.RECTIFICATION in rights and not any(
            data.get(f"item_{n}_correct", "").strip() for n in range(RECTIFICATION_ROWS)
        ):
            self.add_error("item_0_correct", _("Tell us what your data should say."))
        if Right.ERASURE in rights and not data.get("erasure_ground"):
            self.add_error("erasure_ground", _("Choose why we should erase your data."))
        if Right.RESTRICTION in rights and not data.get("restriction_ground"):
            self.add_error("restriction_ground", _("Choose why we should restrict the use."))
        if Right.OBJECTION in rights and not data.get("objection_situation", "").strip():
            self.add_error("objection_situation", _("Tell us about your particular situation."))
        return not self.errors

    def details_for(self, right) -> dict:
        """Keyword arguments for `services.add_case_items` for one right."""
        from requests_flow.services import ItemInput

        data = self.cleaned_data
        if right == Right.RECTIFICATION:
            items = [
                ItemInput(
                    description=data.get(f"item_{n}_what", "").strip()
                    or str(_("Item %(n)s") % {"n": n + 1}),
                    current_value=data.get(f"item_{n}_current", ""),
                    requested_value=data.get(f"item_{n}_correct", ""),
                )
                for n in range(RECTIFICATION_ROWS)
                if data.get(f"item_{n}_correct", "").strip()
            ]
            return {"items": items, "evidence": data.get("evidence") or []}
        if right == Right.ERASURE:
            return {
                "items": [],
                "details": data.get("erasure_what", ""),
                "ground": data.get("erasure_ground", ""),
            }
        if right == Right.RESTRICTION:
            return {
                "items": [],
                "details": data.get("restriction_what", ""),
                "ground": data.get("restriction_ground", ""),
            }
        if right == Right.OBJECTION:
            what = data.get("objection_what", "").strip()
            situation = data.get("objection_situation", "").strip()
            return {"items": [], "details": "\n\n".join(filter(None, [what, situation]))}
        if right == Right.PORTABILITY:
            return {"items": [], "details": data.get("portability_what", "")}
        return {"items": []}


class AssessItemsForm(InformationRequestFields):
    """The assessment of a request decided per item; the items are a formset beside it."""

    is_avg_request = forms.ChoiceField(
        label=_("Is this a request under the GDPR that we must answer?"),
        choices=[
            *YES_NO,
            (ASK, _("Unclear: ask the requester to clarify (pauses the clock)")),
            *MANIFESTLY_UNFOUNDED_CHOICES,
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Assessment notes (required for 'no' and AVG 12(5): they become the reasons)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    systems = forms.ModelMultipleChoiceField(
        label=_("Systems where the decision must be carried out (one task per system)"),
        queryset=SourceSystem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    recipients = forms.CharField(
        label=_("Recipients to notify (AVG 19), one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    field_order = ["is_avg_request", "note", "what_is_needed", "reply_term_days"]

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        from requests_flow.services.items import EXECUTING_RIGHTS, NOTIFYING_RIGHTS

        self.fields["systems"].queryset = SourceSystem.objects.filter(
            organisation=case.organisation
        )
        if case.right not in EXECUTING_RIGHTS:
            del self.fields["systems"]
        if case.right not in NOTIFYING_RIGHTS:
            del self.fields["recipients"]

    def clean(self):
        data = super().clean()
        self.clean_information_request("is_avg_request")
        choice = data.get("is_avg_request")
        if choice in ("no", UNFOUNDED, EXCESSIVE) and not data.get("note", "").strip():
            self.add_error("note", _("Write down the reasons."))
        return data


class ItemDecisionForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    activity_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(label=_("Item"), max_length=300)
    current_value = forms.CharField(
        label=_("Current value"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    requested_value = forms.CharField(
        label=_("Requested value"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ItemDecision.GRANTED, _("Grant")), (ItemDecision.REFUSED, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    legal_ground = forms.ChoiceField(label=_("Ground for refusal"), required=False)
    reason = forms.CharField(
        label=_("Reasons (required when refused)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, right, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_ground"].choices = [("", "—")] + [
            (g.value, g.label) for g in ITEM_GROUNDS.get(right, [])
        ]
        if right == Right.PORTABILITY:
            self.fields["current_value"].label = _(
                "Data to export, one 'field: value' per line (AVG 20)"
            )
        if right != Right.RECTIFICATION:
            del self.fields["requested_value"]
            if right != Right.PORTABILITY:
                del self.fields["current_value"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == ItemDecision.REFUSED:
            if not data.get("legal_ground"):
                self.add_error("legal_ground", _("Give the ground for the refusal."))
            if not data.get("reason", "").strip():
                # Awb 3:46: reasons per item
                self.add_error("reason", _("Give the reasons for the refusal."))
        return data


ItemDecisionFormSet = forms.formset_factory(ItemDecisionForm, extra=0)


class ExecuteForm(CaseDatesForm):
    done_on = forms.DateField(
        label=_("Carried out on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        self.check_date("done_on")
        return data


SENT, SKIPPED = "sent", "skipped"


class NotifyRecipientForm(CaseDatesForm):
    outcome = forms.ChoiceField(
        label=_("Did you notify this recipient of the change?"),
        choices=[
            (SENT, _("Yes, notified")),
            (SKIPPED, _("No: impossible or disproportionate (give the reason)")),
        ],
        widget=forms.RadioSelect,
    )
    sent_on = forms.DateField(
        label=_("Notified on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Why not (AVG 19)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == SENT:
            if data.get("sent_on"):
                self.check_date("sent_on")
            elif "sent_on" not in self.errors:
                self.add_error("sent_on", _("Give the date."))
        if data.get("outcome") == SKIPPED and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why this recipient is not notified."))
        return data


class DraftItemsDecisionForm(forms.Form):
    remarks = forms.CharField(
        label=_("Remarks for the letter (optional; the reasons per item are added)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class LiftNoticeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the restriction end? (the requester is told this, AVG 18(3))"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class LiftForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("The restriction flags have been removed from the systems")
    )
