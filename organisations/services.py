"""Public surface of the organisations app."""

from organisations.models import Organisation


def organisation_of(user) -> Organisation | None:
    """The organisation a staff user works for, or None for users without a membership."""
    if not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return membership.organisation if membership else None
