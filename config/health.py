"""`/healthz`: one GET that monitoring and the load balancer can ask whether avgflow works.

It checks the database, Redis (when something uses it: Celery, or the Redis cache), the age of
the last round of the periodic work (sending e-mail, firing deadline timers) and counts workflow
timers in error (viewflow logs and swallows a failing timer: STACK-FACTS). HTTP 200 when all is
well, 503 with the failing checks named otherwise. No personal data, so no login; it is exempt
from the HTTPS redirect for plain-HTTP probes (settings.SECURE_REDIRECT_EXEMPT).
"""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def redis_urls() -> list[str]:
    """The Redis servers this installation depends on, as configured."""
    urls = []
    if settings.BACKGROUND_MODE == "celery" and settings.CELERY_BROKER_URL.startswith("redis"):
        urls.append(settings.CELERY_BROKER_URL)
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        urls.append(settings.CACHES["default"]["LOCATION"])
    return list(dict.fromkeys(urls))


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _check_redis():
    import redis

    urls = redis_urls()
    for url in urls:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    return {"ok": True, "servers": len(urls)}


def _check_sweep():
    from notifications.services import last_sweep_finished_at

    finished = last_sweep_finished_at()
    if finished is None:
        return {"ok": False, "error": "the periodic work has never run"}
    age = (timezone.now() - finished).total_seconds()
    ok = age <= settings.HEALTHZ_SWEEP_MAX_AGE_SECONDS
    result = {"ok": ok, "age_seconds": round(age)}
    if not ok:
        result["error"] = (
            f"last round {round(age)} s ago, more than {settings.HEALTHZ_SWEEP_MAX_AGE_SECONDS} s"
        )
    return result


def _check_timers():
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    in_error = Task.objects.filter(flow_task_type="TIMER", status=STATUS.ERROR).count()
    result = {"ok": in_error == 0, "in_error": in_error}
    if in_error:
        result["error"] = f"{in_error} workflow timer(s) in error"
    return result


CHECKS = {
    "database": _check_database,
    "redis": _check_redis,
    "sweep": _check_sweep,
    "timers": _check_timers,
}


@never_cache
@require_GET
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        if name != "database" and not results["database"]["ok"] and name != "redis":
            results[name] = {"ok": False, "error": "not checked: no database"}
            continue
        try:
            results[name] = check()
        except Exception as exc:
            logger.exception("healthz: %s check failed", name)
            results[name] = {"ok": False, "error": exc.__class__.__name__}
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )
