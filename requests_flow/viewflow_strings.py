"""viewflow's own strings that our pages show, marked here so that `makemessages` keeps their
Dutch translation in our catalogue: viewflow ships no Dutch (DESIGN.md rule 5)."""

from django.utils.translation import pgettext_noop

VIEWFLOW_STATUSES = (
    pgettext_noop("STATUS", "Assigned"),
    pgettext_noop("STATUS", "Canceled"),
    pgettext_noop("STATUS", "Done"),
    pgettext_noop("STATUS", "Error"),
    pgettext_noop("STATUS", "New"),
    pgettext_noop("STATUS", "Revived"),
    pgettext_noop("STATUS", "Scheduled"),
    pgettext_noop("STATUS", "Started"),
)
