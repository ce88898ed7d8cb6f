"""Forms of the public intake and of the officers' tasks."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_flow.constants import (
    DEFAULT_AUTHORITY_SCOPE,
    AuthorityEvidence,
    AuthorityScope,
    Channel,
    ExtensionReason,
    ForwardScope,
    HeldDataItem,
    IdentityMethod,
    Language,
    Relation,
    RepresentativeRole,
    Right,
)
from requests_flow.models import AccessAnswer
from requests_flow.services._common import ServiceError, check_case_date
from requests_flow.uploads import UploadRefused, check_upload

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


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
    # LEGAL.md 2.3: someone may ask for another person; answers then go to them
    representative_role = forms.ChoiceField(
        label=_("Do you ask for yourself or for someone else?"),
        choices=[("", _("For myself")), *RepresentativeRole.choices],
        widget=forms.RadioSelect,
        required=False,
        initial="",
    )
    subject_name = forms.CharField(
        label=_("Full name of the person you act for"), max_length=200, required=False
    )
    subject_email = forms.EmailField(label=_("Their e-mail address (optional)"), required=False)
    subject_address = forms.CharField(
        label=_("Their street and number (optional)"), max_length=200, required=False
    )
    subject_postal_code = forms.CharField(
        label=_("Their postal code (optional)"), max_length=10, required=False
    )
    subject_city = forms.CharField(label=_("Their city (optional)"), max_length=100, required=False)
    authority_files = MultipleFileField(
        label=_("Proof that you may act for them (PDF, PNG or JPEG)"),
        required=False,
        help_text=_(
            "For example a signed authorisation, the court decision that appoints you, or an "
            "extract from the birth register. Without it we ask you for it later."
        ),
    )
    # a honeypot instead of a CAPTCHA: people do not see it, form-filling robots fill it
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    REPRESENTATIVE_FIELDS = (
        "subject_name",
        "subject_email",
        "subject_address",
        "subject_postal_code",
        "subject_city",
        "authority_files",
    )

    def __init__(self, *args, available_rights=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rights"].choices = [(r, Right(r).label) for r in available_rights]
        if len(available_rights) == 1:
            self.fields["rights"].initial = list(available_rights)
        if not self.is_bound:
            self.fields["idempotency_key"].initial = uuid.uuid4()

    def own_fields(self):
        skip = {"representative_role", "website", *self.REPRESENTATIVE_FIELDS}
        return [f for f in self.visible_fields() if f.name not in skip]

    def representative_fields(self):
        return [self["representative_role"], *(self[n] for n in self.REPRESENTATIVE_FIELDS)]

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This field must stay empty."))
        return ""

    def clean_authority_files(self):
        return _checked_uploads(self.cleaned_data["authority_files"])

    def clean(self):
        data = super().clean()
        if data.get("representative_role"):
            if not data.get("subject_name", "").strip():
                self.add_error("subject_name", _("Give the name of the person you act for."))
        elif data.get("subject_name") or data.get("authority_files"):
            self.add_error(
                "representative_role",
                _("Choose how you act for the other person, or leave their details empty."),
            )
        return data


ASK = "ask"
# AVG 12(5): refuse as manifestly unfounded or excessive, with reasons and a second person
UNFOUNDED, EXCESSIVE = "unfounded", "excessive"
MANIFESTLY_UNFOUNDED_CHOICES = [
    (UNFOUNDED, _("Manifestly unfounded (AVG 12(5)): refuse, a second person signs off")),
    (EXCESSIVE, _("Excessive (AVG 12(5)): refuse, a second person signs off")),
]


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


ASK_ID_COPY = "ask_id_copy"

MASKED_ID_COPY_REQUEST = _(
    "A copy of your passport, identity card or driving licence, with your citizen service "
    "number (BSN) and your photo made unreadable. The government's KopieID app does this for "
    "you. Send it only through the secure link; we delete it as soon as we have checked it."
)


class VerifyIdentityForm(InformationRequestFields):
    """The identity check of one case: the method, the data that matched, for a representative
    their authority and its scope (LEGAL.md 2.1, 2.3). Which methods suffice comes from the
    organisation's policy for the case's right."""

    method = forms.ChoiceField(
        label=_("How was the identity checked?"),
        choices=IdentityMethod.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    matched_items = forms.MultipleChoiceField(
        label=_("Which of the data we hold matched? (for a match with held data)"),
        choices=HeldDataItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    established = forms.ChoiceField(
        label=_("Is the requester's identity established?"),
        choices=[
            *YES_NO,
            (ASK, _("Not yet: ask the requester for proof (pauses the clock)")),
            (
                ASK_ID_COPY,
                _("Not yet: ask for a masked copy of an ID document (pauses the clock)"),
            ),
        ],
        widget=forms.RadioSelect,
    )
    authority_established = forms.ChoiceField(
        label=_("Is the representative's authority established?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    authority_evidence = forms.ChoiceField(
        label=_("How was the authority shown?"),
        choices=AuthorityEvidence.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    authority_scope = forms.ChoiceField(
        label=_("Scope of the authority"),
        choices=AuthorityScope.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    within_scope = forms.BooleanField(
        label=_("The data asked for fall within this scope"), required=False
    )
    note = forms.CharField(
        label=_("Notes (required when identity is not established: they become the reasons)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    field_order = [
        "method",
        "matched_items",
        "authority_established",
        "authority_evidence",
        "authority_scope",
        "within_scope",
        "established",
        "note",
        "what_is_needed",
        "reply_term_days",
    ]
    AUTHORITY_FIELDS = (
        "authority_established",
        "authority_evidence",
        "authority_scope",
        "within_scope",
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        request_obj = case.request
        self.sufficient = case.organisation.identity_methods_for(case.right)
        self.fields["method"].help_text = _(
            "Enough for this request under our policy: %(methods)s."
        ) % {
            "methods": ", ".join(
                str(label) for value, label in IdentityMethod.choices if value in self.sufficient
            )
        }
        if request_obj.is_represented:
            self.fields["authority_scope"].initial = DEFAULT_AUTHORITY_SCOPE.get(
                request_obj.representative_role
            )
        else:
            for name in self.AUTHORITY_FIELDS:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        established = data.get("established")
        if established == "no" and not data.get("note", "").strip():
            self.add_error("note", _("Give the reasons why the identity is not established."))
        if established == ASK_ID_COPY and not data.get("what_is_needed", "").strip():
            data["what_is_needed"] = str(MASKED_ID_COPY_REQUEST)
        if established in (ASK, ASK_ID_COPY):
            data["established"] = ASK
            data["ask_id_copy"] = established == ASK_ID_COPY
            self.clean_information_request("established")
        method = data.get("method")
        if established in ("yes", "no") and not method:
            self.add_error("method", _("Say how the identity was checked."))
        if established == "yes" and method:
            # LEGAL.md 2.1, configurable: the organisation's policy per right
            if method not in self.sufficient:
                self.add_error(
                    "method",
                    _("%(method)s is not enough for %(right)s under the policy of %(org)s.")
                    % {
                        "method": IdentityMethod(method).label,
                        "right": Right(self.case.right).label,
                        "org": self.case.organisation.name,
                    },
                )
            if method == IdentityMethod.HELD_DATA_MATCHED and not data.get("matched_items"):
                self.add_error("matched_items", _("Tick which of the data we hold matched."))
            if self.case.request.is_represented:
                self._clean_authority(data)
        return data

    def _clean_authority(self, data):
        # LEGAL.md 2.3: a missing authority blocks verification
        if data.get("authority_established") != "yes":
            self.add_error(
                "authority_established",
                _(
                    "Without an established authority the identity check cannot be completed. "
                    "Ask for the evidence, or record that identity is not established."
                ),
            )
        if not data.get("authority_evidence"):
            self.add_error("authority_evidence", _("Say how the authority was shown."))
        if not data.get("authority_scope"):
            self.add_error("authority_scope", _("Record the scope of the authority."))
        if not data.get("within_scope"):
            self.add_error(
                "within_scope",
                _("Confirm that the data asked for fall within the scope of the authority."),
            )


class FindingForm(forms.Form):
    system = forms.CharField(label=_("System"), max_length=200)
    found = forms.BooleanField(label=_("Personal data found"), required=False)
    summary = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


FindingFormSet = forms.formset_factory(FindingForm, extra=0)


def sniff_content_type(uploaded) -> str | None:
    """The type by content when the file passes every upload check (requests_flow.uploads),
    else None; for callers that record a refusal instead of showing it."""
    try:
        return check_upload(uploaded)
    except UploadRefused:
        return None


class AssessForm(InformationRequestFields):
    is_avg_request = forms.ChoiceField(
        label=_("Is this a request under the GDPR that we must answer?"),
        choices=[
            *YES_NO,
            (ASK, _("Unclear: ask the requester to clarify (pauses the clock)")),
            *MANIFESTLY_UNFOUNDED_CHOICES,
        ],
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
        if (
            data.get("is_avg_request") in (UNFOUNDED, EXCESSIVE)
            and not data.get("note", "").strip()
        ):
            self.add_error("note", _("Write down the reasons."))
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
    """Uploads pass the same checks everywhere (requests_flow.uploads): type by content (PDF,
    PNG, JPEG), size, no active content, no decompression bomb."""
    for uploaded in files:
        try:
            uploaded.content_type = check_upload(uploaded)
        except UploadRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
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


class IdCopyReplyForm(forms.Form):
    """The requester sends the masked ID copy we asked for (LEGAL.md 2.2)."""

    id_copy = forms.FileField(
        label=_("Masked copy of your ID document (PDF, PNG or JPEG)"),
        help_text=_(
            "Make your citizen service number (BSN) and your photo unreadable first, for "
            "example with the government's KopieID app."
        ),
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )

    def clean_id_copy(self):
        return _checked_uploads([self.cleaned_data["id_copy"]])[0]


def reply_form_class(info_request):
    from requests_flow.constants import InformationKind

    if info_request.kind == InformationKind.MASKED_ID_COPY:
        return IdCopyReplyForm
    return ReplyForm


class NewLinkForm(forms.Form):
    """Ask for a new link to the status page; the answer never says whether the pair exists."""

    email = forms.EmailField(label=_("Your e-mail address"))
    reference = forms.CharField(
        label=_("Reference of your request"),
        max_length=32,
        help_text=_("It is in our e-mails and letters, for example AVG-2026-00042."),
    )


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


class CaseDatesForm(forms.Form):
    """A task form with dates of things done on the case: each between the request's receipt
    and today (`check_case_date`, which the service applies too), the error beside its field."""

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def check_date(self, name: str) -> None:
        day = self.cleaned_data.get(name)
        if day is None:
            return
        try:
            check_case_date(day, self.case)
        except ServiceError as exc:
            self.add_error(name, str(exc))


class NoticeOfDefaultForm(CaseDatesForm):
    received_on = forms.DateField(
        label=_("Date the notice of default was received"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        self.check_date("received_on")
        return data


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


class ForwardForm(forms.Form):
    """Forwarding a case to the body responsible (Awb 2:3; AVG 28(3)(e); LEGAL.md 3.1)."""

    target = forms.ModelChoiceField(
        label=_("Forward to"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    scope = forms.ChoiceField(
        label=_("What do you forward?"),
        choices=ForwardScope.choices,
        widget=forms.RadioSelect,
        initial=ForwardScope.WHOLE,
    )
    what = forms.CharField(
        label=_("The part you forward (required for a part)"),
        help_text=_("For example: the data about your benefit. We handle the rest ourselves."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    reason = forms.CharField(
        label=_("Why is the target responsible? (the requester and the target read this)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents sent along (the request's attachments)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The forwarding letter is always attached. ID documents are never sent."),
    )

    def __init__(self, *args, targets, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets
        self.fields["target"].label_from_instance = _target_label
        self.fields["documents"].queryset = documents
        self.fields["documents"].label_from_instance = lambda document: document.title
        if not self.is_bound:
            self.fields["documents"].initial = list(documents)

    def clean(self):
        data = super().clean()
        if data.get("scope") == ForwardScope.PART and not data.get("what", "").strip():
            self.add_error("what", _("Say which part of the request you forward."))
        return data


def _target_label(target) -> str:
    if target.same_controller:
        kind = _("same controller: a transfer, the case stays open here")
    elif target.as_processor:
        kind = _("controller of %(activity)s: we are its processor") % {
            "activity": target.processing_activity.name
        }
    else:
        kind = _("another controller: the case ends here")
    return f"{target.name} ({target.email}) — {kind}"


class ReturnForm(forms.Form):
    explanation = forms.CharField(
        label=_("Explanation for the requester: why nobody can handle this request"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class TransferAnsweredForm(forms.Form):
    """An officer records that the department the case was transferred to sent its answer."""

    answer_sent_on = forms.DateField(
        label=_("Date the answer was sent"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ForwardingReceiptForm(forms.Form):
    """The target confirms receipt (public, no account)."""

    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    note = forms.CharField(
        label=_("Message to us (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ForwardingAnswerForm(forms.Form):
    """The target reports that it answered the requester (public, no account)."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    answer_sent_on = forms.DateField(
        label=_("Date you sent the answer to the requester"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Message to us (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
