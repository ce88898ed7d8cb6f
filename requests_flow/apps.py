from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsFlowConfig(AppConfig):
    name = "requests_flow"
    verbose_name = _("Data-subject requests")
