"""Forms of the public intake and of the officers' tasks."""

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from requests_flow.constants import (
    Channel,
    ExtensionReason,
    IdentityMethod,
    Language,
    Relation,
    Right,
)
from requests_flow.models import AccessAnswer

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class RequestForm(forms.Form):
    """The public form. It asks for no BSN (LEGAL.md 2.4) and needs no JavaScript."""

    rights = forms.MultipleChoiceField(
        label=_("What do you want to do?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one request.")},
    )
    description = forms.CharField(
        label=_("Your request in your own words (optional)"),
        help_text=_("For example: which data or period your request is about."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
    )
    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send you a link to confirm this address, and our answer."),
    )
    phone = forms.CharField(label=_("Phone number (optional)"), max_length=40, required=False)
    address = forms.CharField(
        label=_("Street and number (optional)"), max_length=200, required=False
    )
    postal_code = forms.CharField(label=_("Postal code (optional)"), max_length=10, required=False)
    city = forms.CharField(label=_("City (optional)"), max_length=100, required=False)
    relation = forms.ChoiceField(
        label=_("You are our"),
        choices=Relation.choices,
        widget=forms.RadioSelect,
        initial=Relation.CLIENT,
    )
    language = forms.ChoiceField(
        label=_("Language of our answer"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, available_rights=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rights"].choices = [(r, Right(r).label) for r in available_rights]
        if len(available_rights) == 1:
            self.fields["rights"].initial = list(available_rights)
        if not self.is_bound:
            self.fields["idempotency_key"].initial = uuid.uuid4()


ASK = "ask"


class InformationRequestFields(forms.Form):
    """Asking the requester for information pauses the clock, only with a reply term
    (LEGAL.md 1.5)."""

    what_is_needed = forms.CharField(
        label=_("What must the requester send? (when you ask for information)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    reply_term_days = forms.IntegerField(
        label=_("Reply term in days"), min_value=1, max_value=90, initial=14, required=False
    )

    def clean_information_request(self, choice_field):
        data = self.cleaned_data
        if data.get(choice_field) == ASK:
            if not data.get("what_is_needed", "").strip():
                self.add_error("what_is_needed", _("Say what the requester must send."))
            if not data.get("reply_term_days"):
                self.add_error("reply_term_days", _("Give a reply term."))


class VerifyIdentityForm(InformationRequestFields):
    method = forms.ChoiceField(
        label=_("How was the identity checked?"),
        choices=IdentityMethod.choices,
        widget=forms.RadioSelect,
    )
    established = forms.ChoiceField(
        label=_("Is the requester's identity established?"),
        choices=[*YES_NO, (ASK, _("Not yet: ask the requester for proof (pauses the clock)"))],
        widget=forms.RadioSelect,
    )
    field_order = ["method", "established", "note", "what_is_needed", "reply_term_days"]
    note = forms.CharField(
        label=_("Notes (required when identity is not established: they become the reasons)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("established") == "no" and not data.get("note", "").strip():
            self.add_error("note", _("Give the reasons why the identity is not established."))
        self.clean_information_request("established")
        if (
            data.get("established") == "yes"
            and data.get("method") == IdentityMethod.EMAIL_CONFIRMED
        ):
            # LEGAL.md 2.1: a confirmed e-mail address alone never suffices for inzage
            self.add_error(
                "method",
                _("A confirmed e-mail address alone is not enough for an access request."),
            )
        return data


class FindingForm(forms.Form):
    system = forms.CharField(label=_("System"), max_length=200)
    found = forms.BooleanField(label=_("Personal data found"), required=False)
    summary = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


FindingFormSet = forms.formset_factory(FindingForm, extra=0)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


ALLOWED_EXTRACT_TYPES = {
    b"%PDF": "application/pdf",
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def sniff_content_type(uploaded) -> str | None:
    """The type by content, not by name (PDF, PNG, JPEG)."""
    head = uploaded.read(8)
    uploaded.seek(0)
    for magic, content_type in ALLOWED_EXTRACT_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


class AssessForm(InformationRequestFields):
    is_avg_request = forms.ChoiceField(
        label=_("Is this a request under the GDPR that we must answer?"),
        choices=[*YES_NO, (ASK, _("Unclear: ask the requester to clarify (pauses the clock)"))],
        widget=forms.RadioSelect,
    )
    field_order = ["is_avg_request", "note", "what_is_needed", "reply_term_days", "extracts"]
    note = forms.CharField(
        label=_("Assessment notes (required for 'no': they become the reasons)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    extracts = MultipleFileField(
        label=_("Extracts for the requester (PDF, PNG or JPEG)"),
        required=False,
        help_text=_("Redact data about other people first (AVG 15(4))."),
    )

    def clean_extracts(self):
        return _checked_uploads(self.cleaned_data["extracts"])

    def clean(self):
        data = super().clean()
        self.clean_information_request("is_avg_request")
        if data.get("is_avg_request") == "no" and not data.get("note", "").strip():
            self.add_error("note", _("Give the reasons why this is not a request we must answer."))
        return data


class DraftAnswerForm(forms.ModelForm):
    class Meta:
        model = AccessAnswer
        fields = ["data_processed", *AccessAnswer.SECTION_FIELDS]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in AccessAnswer.SECTION_FIELDS}


class DraftRefusalForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the decision (Awb 3:46)"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ApproveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("approve", _("Approve and send")), ("return", _("Return for changes"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (required when you return it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("note", "").strip():
            self.add_error("note", _("Say what must change."))
        return data


def _checked_uploads(files):
    """Uploads pass the same checks everywhere: type by content (PDF, PNG, JPEG) and size."""
    for uploaded in files:
        if uploaded.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("%(name)s is larger than %(max)s MB.")
                % {"name": uploaded.name, "max": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        content_type = sniff_content_type(uploaded)
        if content_type is None:
            raise forms.ValidationError(
                _("%(name)s is not a PDF, PNG or JPEG file.") % {"name": uploaded.name}
            )
        uploaded.content_type = content_type
    return files


class ReplyForm(forms.Form):
    """The requester's answer to an information request."""

    message = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    files = MultipleFileField(
        label=_("Documents (optional; PDF, PNG or JPEG)"),
        required=False,
        help_text=_("Sending a copy of an ID document? Make your BSN and photo unreadable first."),
    )

    def clean_files(self):
        return _checked_uploads(self.cleaned_data["files"])


class ExtensionForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is more time needed? (art. 12(3) GDPR)"),
        choices=ExtensionReason.choices,
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Explanation for the requester (it goes into the notice letter)"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class NoticeOfDefaultForm(forms.Form):
    received_on = forms.DateField(
        label=_("Date the notice of default was received"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DecreedDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label=_("Publication (Staatscourant or Staatsblad)"), max_length=200
    )


class RegisterRequestForm(forms.Form):
    """An officer registers a request that came in by post, at the desk, by phone or e-mail."""

    channel = forms.ChoiceField(
        label=_("How did the request reach us?"),
        choices=[(c.value, c.label) for c in Channel if c != Channel.WEB],
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label=_("Date of receipt"),
        help_text=_("The day it reached any part of the organisation; the clock starts then."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    rights = forms.MultipleChoiceField(
        label=_("What does the requester ask?"), widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("The request in the requester's words"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
    )
    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address (optional)"), required=False)
    phone = forms.CharField(label=_("Phone number (optional)"), max_length=40, required=False)
    address = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    relation = forms.ChoiceField(
        label=_("Relation to us"), choices=Relation.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("Language of our answer"), choices=Language.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, available_rights=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rights"].choices = [(r, Right(r).label) for r in available_rights]

    def clean(self):
        data = super().clean()
        if not data.get("email") and not (data.get("address") and data.get("city")):
            # LEGAL.md 5.7: the answer goes by e-mail or by post; one of them must be known
            self.add_error("address", _("Give an e-mail address or a postal address."))
        return data
