"""Celery tasks of the records app (BACKGROUND_MODE="celery"): thin wrappers around services."""

from celery import shared_task


@shared_task(ignore_result=True)
def destroy_run(run_pk: int) -> None:
    """Destroy an approved run's dossiers; the run's page shows the count as it goes."""
    from records import services
    from records.models import DestructionRun

    services.destroy_run(DestructionRun.objects.get(pk=run_pk))


@shared_task(ignore_result=True)
def propose_destruction() -> None:
    """Beat's daily entry point: propose the dossiers whose retention term has passed."""
    from records import services

    services.propose_all()
