"""Settings of the bare view: Django's defaults, no middleware, persistent connections as in
avgflow (config/settings.py, conn_max_age); the database comes from DATABASE_URL."""

import os

import dj_database_url

SECRET_KEY = "bench-baseline-only-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["bench.baseline"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.baseline.urls"
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
