from django import template

from requests_flow import links

register = template.Library()


@register.filter
def withdrawal_link(case) -> str:
    """The case's signed withdrawal link, for the requester's status page."""
    return links.withdrawal_url(case)
