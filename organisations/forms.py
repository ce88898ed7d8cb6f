"""The FG's forms for the organisation's policy and its forward targets."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.constants import ALL_RIGHTS, LegalForm
from organisations.models import ForwardTarget, Organisation
from organisations.services import POLICY_FIELDS, PolicyError, check_logo, contrast_with_white

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
# WCAG 2.1 AA for normal text: the public pages put white text on the brand colour
MIN_CONTRAST = 4.5


class PolicyForm(forms.ModelForm):
    """The organisation's policy (LEGAL.md §0 and the configurable rules). The rights offered on
    the public form are chosen from the rights that have a flow (`rights_choices`)."""

    offered_rights = forms.MultipleChoiceField(
        label=_("Rights offered on the public form"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only rights that avgflow can handle are listed."),
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    logo_upload = forms.FileField(
        label=_("New logo (PNG or SVG)"),
        required=False,
        help_text=_("For the letterhead and the public pages; at most 512 KB."),
    )

    class Meta:
        model = Organisation
        fields = list(POLICY_FIELDS)
        widgets = {
            "legal_form": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 3}),
            "objection_address": forms.Textarea(attrs={"rows": 3}),
            "brand_colour": forms.TextInput(attrs={"type": "color"}),
        }

    def __init__(self, *args, rights_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_form"].choices = LegalForm.choices  # no empty radio button
        self.fields["offered_rights"].choices = list(rights_choices)
        offered = set(self.instance.offered_rights or [])
        # the model's value lists rights without a flow too: the form shows the ones it offers
        self.initial["offered_rights"] = [r for r, _label in rights_choices if r in offered]

    def clean_brand_colour(self):
        colour = self.cleaned_data["brand_colour"]
        if not _HEX.fullmatch(colour or ""):
            raise forms.ValidationError(_("Give the colour as #rrggbb."))
        if contrast_with_white(colour) < MIN_CONTRAST:
            raise forms.ValidationError(
                _(
                    "White text on this colour is hard to read (contrast below 4.5:1): choose a "
                    "darker colour."
                )
            )
        return colour.lower()

    def clean_offered_rights(self):
        chosen = set(self.cleaned_data["offered_rights"])
        # rights without a flow yet keep their setting: they are not on this form
        available = {r for r, _label in self.fields["offered_rights"].choices}
        kept = {r for r in (self.instance.offered_rights or []) if r not in available}
        return [r for r in ALL_RIGHTS if r in kept or r in chosen]

    def clean_logo_upload(self):
        uploaded = self.cleaned_data.get("logo_upload")
        if uploaded:
            try:
                uploaded.content_type = check_logo(uploaded)
            except PolicyError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return uploaded

    def clean(self):
        data = super().clean()
        if data.get("legal_form") == "public_body":
            for field in ("on_behalf_of", "objection_body"):
                if not (data.get(field) or "").strip():
                    self.add_error(field, _("A public body's letters need this (LEGAL.md §0)."))
        return data

    def policy_changes(self) -> dict:
        return {field: self.cleaned_data[field] for field in POLICY_FIELDS}


class ForwardTargetForm(forms.ModelForm):
    class Meta:
        model = ForwardTarget
        fields = ["name", "email", "address", "same_controller", "processing_activity", "active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["processing_activity"].queryset = organisation.processing_activities.filter(
            role="processor"
        )
        self.fields["processing_activity"].help_text = _(
            "Only for a controller we process data for: its requests are forwarded to it "
            "(art. 28(3)(e) GDPR)."
        )

    def clean(self):
        data = super().clean()
        if data.get("same_controller") and data.get("processing_activity"):
            self.add_error(
                "same_controller",
                _("A controller we are processor for is not part of our own controller."),
            )
        return data

    def target_values(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}
