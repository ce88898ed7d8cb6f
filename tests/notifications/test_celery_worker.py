"""Production background work: a real Celery worker on the real Redis runs the beat task and a
due workflow timer fires (issue 4, acceptance 4; STACK-FACTS.md, Celery and Tests)."""

import datetime
import os
import subprocess
import sys
import time

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone
from viewflow.workflow.status import STATUS

from requests_flow import services
from requests_flow.flows import AccessFlow
from tests.domain_fixtures import submit_access_request

REDIS_HOST = "redis://127.0.0.1:6379"


def _redis_db(worker_id: str) -> int:
    # one Redis database per xdist worker; never FLUSHALL a shared one (STACK-FACTS)
    return 11 + (int(worker_id[2:]) if worker_id.startswith("gw") else 0)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(worker_id, transactional_db, tmp_path):
    """`celery -A config worker` in a child process, on this test's database and Redis."""
    broker = f"{REDIS_HOST}/{_redis_db(worker_id)}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "BACKGROUND_MODE": "celery",
        "SECRET_KEY": settings.SECRET_KEY,
        "AVGFLOW_VAR_DIR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed in teardown
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=settings.BASE_DIR,
    )
    client = Celery(broker=broker)
    client.control.purge()
    yield client, tmp_path / "worker.log"
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
    log.close()
    client.control.purge()


def test_beat_task_fires_a_due_timer_in_a_real_worker(celery_worker_process, werkse):
    # issue 4: in production the periodic work runs as a Celery beat task on Redis workers
    client, log_path = celery_worker_process
    request_obj = submit_access_request(werkse)
    services.confirm_email(request_obj)
    case = request_obj.cases.get()
    timer = case.process.task_set.get(flow_task=AccessFlow.wait_internal_reminder)
    assert timer.status == STATUS.SCHEDULED
    timer.scheduled = timezone.now() - datetime.timedelta(minutes=1)
    timer.save(update_fields=["scheduled"])

    client.send_task("notifications.tasks.periodic_work")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        timer.refresh_from_db()
        if timer.status == STATUS.DONE:
            break
        time.sleep(0.5)
    assert timer.status == STATUS.DONE, log_path.read_text()[-3000:]
    # the timer's path ran: the officers were reminded, and the next timer waits
    assert case.audit_entries.filter(action="reminder_sent").exists()
    assert case.process.task_set.filter(
        flow_task=AccessFlow.wait_internal_passed, status=STATUS.SCHEDULED
    ).exists()
