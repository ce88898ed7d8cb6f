"""The Celery app for production: workers and beat on Redis run the same sweep functions as
`manage.py run_sweeps` does in the embedded default. Never run both dispatchers at once."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("avgflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
