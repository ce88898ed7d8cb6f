"""A staff member lost their phone and their recovery codes: remove their devices, so that they
enrol again at their next login (after their identity was checked outside avgflow)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import reset_second_factor


class Command(BaseCommand):
    help = "Remove a user's authenticator and recovery codes; they enrol again at next login."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {username!r}.") from exc
        removed = reset_second_factor(user)
        self.stdout.write(f"Removed {removed} device(s) of {username}; they enrol at next login.")
