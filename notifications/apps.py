from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # connects the receivers of anymail's inbound and tracking signals
        from notifications import webhooks  # noqa: F401
