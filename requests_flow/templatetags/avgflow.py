from django import template
from django.utils import timezone

from requests_flow.constants import CaseStatus

register = template.Library()


@register.inclusion_tag("officer/_deadline.html")
def deadline(date, case):
    """A due date with its band: overdue after the day, near within a week, met once the
    decision was sent (a restriction in force still has tasks; AVG 18(3)); text, not only
    colour, says which."""
    today = timezone.localdate()
    if case.status == CaseStatus.RESTRICTION_IN_FORCE:
        band = "decided"
    elif not case.is_open:
        band = "ok"
    elif today > date:
        band = "overdue"
    elif (date - today).days <= 7:
        band = "near"
    else:
        band = "ok"
    return {"date": date, "band": band}
