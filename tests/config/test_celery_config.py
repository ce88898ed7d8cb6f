"""config/celery.py: Celery reads Django's CELERY_* settings (once, from a mapping)."""

from django.conf import settings

from config.celery import DjangoCelerySettings, app


def test_celery_gets_every_celery_setting_of_django():
    # DESIGN background work: beat's schedule, the broker and its transport, the time zone
    conf = app.conf
    assert conf.broker_url == settings.CELERY_BROKER_URL
    assert conf.broker_transport == settings.CELERY_BROKER_TRANSPORT
    assert conf.timezone == settings.CELERY_TIMEZONE == "Europe/Amsterdam"
    assert conf.task_ignore_result is True
    assert conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    assert set(DjangoCelerySettings()) == {n for n in dir(settings) if n.startswith("CELERY_")}
