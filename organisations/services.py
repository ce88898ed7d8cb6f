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
