"""gunicorn settings for production (docs/production.md) and for bench/intake.

    gunicorn -c config/gunicorn.conf.py config.wsgi

Each setting can be changed with an environment variable; the defaults suit a 2-core machine
behind a reverse proxy on the same host. Sync workers: a request is short database work, and
the slow clients are the proxy's to buffer.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# two per core: while one waits for PostgreSQL the other computes
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count())
worker_class = "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# load the application once, before forking: workers share its memory and start fast (Django
# opens no database connection at import, so none is shared across the fork)
preload_app = True
# recycle workers now and then, so a slow leak cannot grow without bound; 0 switches it off
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


# Imported on a worker's first form submission otherwise: the rate limiter's Redis cache and the
# Celery hand-off of the confirmation e-mail (0.4-0.8 s where no bytecode is cached, seen as
# bench/intake's p99 at one client; and again in every worker recycled by max_requests).
WARM_MODULES = (
    "config.cache",
    "config.client_ip",
    "redis",
    "django.core.cache.backends.redis",
    "notifications.tasks",
    "celery.app.amqp",
    "celery.canvas",
    "celery.result",
    "kombu.transport.redis",
    "config.kombu_redis",
)


def when_ready(server):
    """Before the workers fork: load the URLconf, and with it every view, form and flow, and the
    modules of WARM_MODULES, so workers start with them loaded. Opens no connection."""
    import importlib

    from django.urls import get_resolver

    get_resolver()._populate()
    for name in WARM_MODULES:
        importlib.import_module(name)
