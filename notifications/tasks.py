"""Celery tasks (BACKGROUND_MODE="celery"): thin wrappers around the same functions the embedded
sweep runs. Imports happen inside the tasks so loading this module touches no model."""

from celery import shared_task


@shared_task(ignore_result=True)
def send_message(pk: int) -> bool:
    """Send one outbox row; enqueued on commit by `queue_message`. Retries come from the sweep."""
    from notifications.services import send_message as send

    return send(pk)


@shared_task(ignore_result=True)
def periodic_work() -> None:
    """Beat's entry point: send due messages and fire due viewflow timers."""
    from notifications.sweeps import run_periodic_work

    run_periodic_work()
