from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("officer/_deadline.html")
def deadline(date, case):
    """A due date with its band: overdue after the day, near within a week (text, not only
    colour, says which)."""
    today = timezone.localdate()
    if not case.is_open:
        band = "ok"
    elif today > date:
        band = "overdue"
    elif (date - today).days <= 7:
        band = "near"
    else:
        band = "ok"
    return {"date": date, "band": band}
