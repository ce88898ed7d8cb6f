"""Public surface of the organisations app."""

from organisations.models import Organisation


def organisation_of(user) -> Organisation | None:
    """The organisation a staff user works for, or None for users without a membership."""
    if not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return membership.organisation if membership else None


def create_staff_user(*, organisation, username, role, password=None, **fields):
    """A staff user of `organisation` with one role (a group). Idempotent on username."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from organisations.models import StaffMembership

    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults=fields)
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    StaffMembership.objects.update_or_create(user=user, defaults={"organisation": organisation})
    user.groups.add(Group.objects.get(name=str(role)))
    return user


# --- policy -----------------------------------------------------------------------------------

# The policy fields the FG edits, in the order the audit log and the form show them.
POLICY_FIELDS = (
    "name",
    "legal_form",
    "parent_name",
    "on_behalf_of",
    "signatory",
    "address",
    "phone",
    "email",
    "website",
    "fg_name",
    "fg_email",
    "objection_body",
    "objection_address",
    "brand_colour",
    "internal_target_weeks",
    "extension_margin_days",
    "reminder_days_before_internal",
    "reminder_days_before_legal",
    "default_reply_term_days",
    "approval_required",
    "offered_rights",
    "forward_reminder_days",
)
TARGET_FIELDS = ("name", "email", "address", "same_controller", "processing_activity", "active")
# Policy fields that change the deadlines of open cases when they change.
_DEADLINE_FIELDS = frozenset({"internal_target_weeks", "extension_margin_days"})


class PolicyError(ValueError):
    """A policy change the rules do not allow; the message is shown to the FG."""


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _audit_changes(organisation, actor, action, subject, before: dict, after: dict) -> list:
    from organisations.models import PolicyAuditEntry

    entries = [
        PolicyAuditEntry(
            organisation=organisation,
            actor=actor,
            action=action,
            subject=subject,
            field=field,
            old_value=_shown(before.get(field)),
            new_value=_shown(after[field]),
        )
        for field in after
        if _shown(before.get(field)) != _shown(after[field])
    ]
    return PolicyAuditEntry.objects.bulk_create(entries)


def update_policy(*, organisation, actor, changes: dict, logo=None) -> list:
    """Change an organisation's policy; every changed field is written to its audit log (who,
    when, before and after). A new logo must have passed `check_logo`. When the internal target
    or the extension margin changes, the deadlines of its open cases are recomputed, so that
    every case counts with the policy in force. Returns the audit entries written."""
    from django.db import transaction

    from organisations.constants import PolicyChange
    from organisations.models import Organisation

    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise PolicyError(f"Not a policy field: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = {field: getattr(organisation, field) for field in changes}
        for field, value in changes.items():
            setattr(organisation, field, value)
        entries = _audit_changes(
            organisation,
            actor,
            PolicyChange.POLICY,
            str(PolicyChange.POLICY.label),
            before,
            changes,
        )
        if logo is not None:
            old = organisation.logo.name
            organisation.logo.save(logo.name, logo, save=False)
            entries += _audit_changes(
                organisation,
                actor,
                PolicyChange.LOGO,
                str(PolicyChange.LOGO.label),
                {"logo": old},
                {"logo": organisation.logo.name},
            )
        organisation.save()
        if _DEADLINE_FIELDS & {entry.field for entry in entries}:
            _refresh_open_cases(organisation)
    return entries


def _refresh_open_cases(organisation) -> None:
    # the domain app computes deadlines; it depends on this app, not the other way round
    from requests_flow.models import Case
    from requests_flow.services import refresh_deadlines

    cases = (
        Case.objects.filter(organisation=organisation)
        .open()
        .select_related("request", "organisation", "process", "extension")
        .prefetch_related("information_requests")
    )
    for case in cases:
        refresh_deadlines(case)


def save_forward_target(*, organisation, actor, target=None, values: dict):
    """Add a forward target (`target` None) or change one; audited like the policy. A target is
    never deleted, because forwarded cases refer to it: it is made inactive instead."""
    from django.db import transaction

    from organisations.constants import PolicyChange
    from organisations.models import ForwardTarget

    unknown = set(values) - set(TARGET_FIELDS)
    if unknown:
        raise PolicyError(f"Not a forward target field: {', '.join(sorted(unknown))}")
    activity = values.get("processing_activity")
    if activity is not None and activity.organisation_id != organisation.pk:
        raise PolicyError("The processing activity belongs to another organisation.")
    if values.get("same_controller") and activity is not None and activity.role == "processor":
        raise PolicyError(
            "The controller that commissioned a processing activity is not part of this "
            "organisation's controller."
        )
    with transaction.atomic():
        if target is None:
            target = ForwardTarget(organisation=organisation)
            before, action = {}, PolicyChange.TARGET_ADDED
        else:
            target = ForwardTarget.objects.select_for_update().get(
                pk=target.pk, organisation=organisation
            )
            before = {field: getattr(target, field) for field in values}
            action = PolicyChange.TARGET_CHANGED
        for field, value in values.items():
            setattr(target, field, value)
        target.save()
        _audit_changes(organisation, actor, action, target.name, before, values)
    return target


# --- logo ----------------------------------------------------------------------------------

LOGO_MAX_BYTES = 512 * 1024
_SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_SVG_ELEMENTS = frozenset({"script", "foreignObject", "iframe", "embed", "object"})


def check_logo(uploaded) -> str:
    """The logo's content type ("image/png" or "image/svg+xml"), decided by its content, not its
    name. An SVG must be plain drawing: no scripts, event handlers, embedded documents, entity
    declarations or references outside the file. Raises PolicyError otherwise."""
    data = uploaded.read()
    uploaded.seek(0)
    if len(data) > LOGO_MAX_BYTES:
        raise PolicyError(f"The logo is larger than {LOGO_MAX_BYTES // 1024} KB.")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    _check_svg(data)
    return "image/svg+xml"


def _check_svg(data: bytes) -> None:
    from defusedxml import DefusedXmlException
    from defusedxml import ElementTree as ET  # noqa: N817 - refuses entities and external refs

    not_svg = PolicyError("The logo must be a PNG or SVG file.")
    head = data[:2048].lstrip().lower()
    if not (head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--")):
        raise not_svg
    # no DTD at all: entity expansion and external entities are refused before parsing
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise PolicyError("An SVG logo may not contain a DOCTYPE or entity declarations.")
    try:
        root = ET.fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise not_svg from exc
    if root.tag != f"{_SVG_NS}svg":
        raise not_svg
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in _FORBIDDEN_SVG_ELEMENTS:
            raise PolicyError(f"An SVG logo may not contain <{local}>.")
        for name, value in element.attrib.items():
            attribute = name.rsplit("}", 1)[-1].lower()
            if attribute.startswith("on"):
                raise PolicyError("An SVG logo may not contain event handlers.")
            if attribute == "href" and not value.strip().startswith("#"):
                raise PolicyError("An SVG logo may not refer to other files or addresses.")
            if "url(" in value and "url(#" not in value.replace(" ", ""):
                raise PolicyError("An SVG logo may not refer to other files or addresses.")
        if local == "style" and element.text and "@import" in element.text:
            raise PolicyError("An SVG logo may not refer to other files or addresses.")


def logo_content_type(organisation) -> str:
    """The stored logo's content type (checked on upload), "" without a logo."""
    if not organisation.logo:
        return ""
    with organisation.logo.open("rb") as fh:
        head = fh.read(8)
    return "image/png" if head.startswith(b"\x89PNG") else "image/svg+xml"


def logo_data_url(organisation) -> str:
    """The logo as a data: URL, for letters: the letter renderer fetches nothing else."""
    import base64

    content_type = logo_content_type(organisation)
    if not content_type:
        return ""
    with organisation.logo.open("rb") as fh:
        data = fh.read()
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


# --- brand colour --------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    channels = []
    for i in (1, 3, 5):
        c = int(hex_colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(hex_colour: str) -> float:
    """WCAG contrast ratio of white text on `hex_colour` (#rrggbb)."""
    return 1.05 / (_luminance(hex_colour) + 0.05)


def sync_source_systems(activity):
    """Link `activity` to a source system for each system its register line names (one per
    line), creating systems the organisation does not have yet. Returns the linked systems."""
    from organisations.models import SourceSystem

    systems = []
    for name in activity.system_names():
        system, _ = SourceSystem.objects.get_or_create(
            organisation_id=activity.organisation_id, name=name
        )
        systems.append(system)
    activity.source_systems.set(systems)
    return systems


def save_processing_activity(*, actor, activity):
    """Add or change a line of the processing register (AVG 30): only the FG of the line's own
    organisation, with one audit row naming the fields that changed."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from organisations.models import ProcessingActivity, RegisterChange

    if organisation_of(actor) is None or organisation_of(actor).pk != activity.organisation_id:
        raise PermissionDenied
    if not actor.has_perm("requests_flow.manage_register"):
        raise PermissionDenied
    with transaction.atomic():
        if activity.pk is None:
            action, details = "added", activity.name
        else:
            before = ProcessingActivity.objects.select_for_update().get(pk=activity.pk)
            if before.organisation_id != activity.organisation_id:
                raise PermissionDenied
            changed = [
                field.name
                for field in ProcessingActivity._meta.concrete_fields
                if getattr(before, field.attname) != getattr(activity, field.attname)
            ]
            action, details = "changed", ", ".join(changed)
        activity.save()
        sync_source_systems(activity)
        RegisterChange.objects.create(
            organisation_id=activity.organisation_id,
            activity=activity,
            actor=actor,
            action=action,
            details=details,
        )
    return activity
