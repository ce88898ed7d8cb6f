"""The Celery app for production: workers and beat on Redis run the same sweep functions as
`manage.py run_sweeps` does in the embedded default. Never run both dispatchers at once."""

import os
from collections.abc import Mapping
from functools import cached_property

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class DjangoCelerySettings(Mapping):
    """Django's CELERY_* settings, read once, when Celery first needs its configuration.

    Celery's documented `config_from_object("django.conf:settings", namespace="CELERY")` looks
    names up on Django's settings object for every message sent, most of them names we do not
    set, and each miss there raises and catches an AttributeError: about 3 % of a public form
    submission's CPU (docs/intake-performance.md). A change to a CELERY_* setting after that
    first use does not reach Celery (none is made outside tests)."""

    @cached_property
    def _values(self) -> dict:
        from django.conf import settings

        return {
            name: getattr(settings, name) for name in dir(settings) if name.startswith("CELERY_")
        }

    def __getitem__(self, name):
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)


app = Celery("avgflow")
app.config_from_object(DjangoCelerySettings(), namespace="CELERY")
app.autodiscover_tasks()
