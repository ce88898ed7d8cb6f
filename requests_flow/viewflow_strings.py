"""viewflow's own strings that our pages show, marked here so that `makemessages` keeps their
Dutch translation in our catalogue: viewflow ships no Dutch (DESIGN.md rule 5)."""

from django.utils.translation import pgettext_lazy

VIEWFLOW_STATUSES = (
    pgettext_lazy("STATUS", "Assigned"),
    pgettext_lazy("STATUS", "Canceled"),
    pgettext_lazy("STATUS", "Done"),
    pgettext_lazy("STATUS", "Error"),
    pgettext_lazy("STATUS", "New"),
    pgettext_lazy("STATUS", "Revived"),
    pgettext_lazy("STATUS", "Scheduled"),
    pgettext_lazy("STATUS", "Started"),
)
