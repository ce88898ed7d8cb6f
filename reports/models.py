"""The reports app keeps no data of its own: its figures are aggregate queries over the cases.

`Report` only carries the app's named permission (DESIGN.md rule 4): it has no table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", _("Can see the reports for the FG"))]

    def __str__(self):
        return "report"
