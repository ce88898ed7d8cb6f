"""/healthz: the database, Redis, the age of the last sweep and timers in error (issue 10)."""

import datetime

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task

from notifications.models import SweepRun
from notifications.sweeps import PERIODIC, run_periodic_work
from requests_flow.flows import AccessFlow

pytestmark = pytest.mark.django_db

REDIS_DB = "redis://127.0.0.1:6379/10"  # this branch's own Redis database (never flushed)
NOTHING_LISTENS = "redis://127.0.0.1:1/0"


def test_healthy_after_a_sweep(client):
    run_periodic_work()
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["sweep"]["age_seconds"] <= 5
    assert body["checks"]["timers"]["in_error"] == 0
    assert body["checks"]["redis"] == {"ok": True, "servers": 0}  # the embedded default
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_sweep_that_never_ran_or_stopped_is_unhealthy(client, time_machine):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["sweep"]["error"] == "the periodic work has never run"

    time_machine.move_to(timezone.now())
    run_periodic_work()
    time_machine.shift(datetime.timedelta(minutes=6))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["sweep"]["age_seconds"] >= 360


def test_timers_in_error_are_counted(client, access_case):
    # STACK-FACTS (viewflow): a failing timer is logged and swallowed; /healthz shows it
    run_periodic_work()
    Task.objects.create(
        process=access_case.process,
        flow_task=AccessFlow.verify_identity,
        flow_task_type="TIMER",
        status="ERROR",
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["timers"] == {
        "ok": False,
        "in_error": 1,
        "error": "1 workflow timer(s) in error",
    }


def test_redis_is_checked_when_celery_uses_it(client, settings):
    run_periodic_work()
    settings.BACKGROUND_MODE = "celery"
    settings.CELERY_BROKER_URL = REDIS_DB
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"ok": True, "servers": 1}

    settings.CELERY_BROKER_URL = NOTHING_LISTENS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}


def test_redis_cache_is_checked_too(client, settings):
    run_periodic_work()
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.SharedClientRedisCache", "LOCATION": REDIS_DB}
    }
    assert client.get("/healthz").json()["checks"]["redis"] == {"ok": True, "servers": 1}


def test_no_personal_data_and_no_login_needed(client, access_case):
    SweepRun.objects.update_or_create(name=PERIODIC, defaults={"last_finished_at": timezone.now()})
    body = client.get("/healthz").content.decode()
    assert access_case.request.requester_name not in body
    assert access_case.request.reference not in body
