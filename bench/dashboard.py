"""Benchmark: the deadline dashboard at 1,000 and 100,000 open cases on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/avgflow_bench_dashboard \
        .venv/bin/python bench/dashboard.py [--sizes 1000 100000] [--runs 7]

Creates the database if needed, migrates it, seeds cases in bulk for Werkse! (and some for
Workways, which the dashboard must not show), then times GET /behandeling/termijnen/ through
Django's test client (middleware, views and templates, no network) and counts its queries.
Prints the figures last and drops the database it created. Local PostgreSQL only.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.pgdb import drop_database, recreate_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("ANYMAIL_WEBHOOK_SECRET", "bench:bench-only-webhook-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # the test client speaks plain HTTP
os.environ.setdefault("STATIC_MANIFEST", "false")  # no collectstatic needed for the bench


def seed(organisation, count: int, start: int, today: datetime.date) -> None:
    """Open cases spread over overdue, this week and later; one in ten paused."""
    from requests_flow.models import Case, InformationRequest, Request

    batch = 5000
    for offset in range(0, count, batch):
        n = min(batch, count - offset)
        requests = Request.objects.bulk_create(
            Request(
                reference=f"AVG-2026-{start + offset + i:06d}",
                organisation=organisation,
                channel="web",
                received_on=today - datetime.timedelta(days=(start + offset + i) % 40),
                requester_name="Bench",
                requester_email="bench@example.org",
                relation="client",
            )
            for i in range(n)
        )
        cases = Case.objects.bulk_create(
            Case(
                request=r,
                organisation=organisation,
                right="access",
                status="assessment",
                is_paused=(i % 10 == 0),
                internal_due_on=r.received_on + datetime.timedelta(days=28),
                legal_due_on=r.received_on + datetime.timedelta(days=30),
            )
            for i, r in enumerate(requests)
        )
        InformationRequest.objects.bulk_create(
            InformationRequest(
                case=c,
                kind="identity",
                what_is_needed="ID",
                sent_on=today - datetime.timedelta(days=2),
                reply_due_on=today + datetime.timedelta(days=12),
                created_by_id=organisation.bench_user_id,
            )
            for c in cases
            if c.is_paused
        )


def measure(client, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/behandeling/termijnen/")  # warm up
    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get("/behandeling/termijnen/")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:4]:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")
    return statistics.median(timings), max(timings), queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a local PostgreSQL database (it is recreated).")
    recreate_database(url)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from organisations import seeds
        from organisations.constants import Role
        from organisations.services import create_staff_user
        from requests_flow.models import Case

        call_command("migrate", verbosity=0)
        werkse, workways = seeds.werkse(), seeds.workways()
        officer = create_staff_user(
            organisation=werkse, username="bench", role=Role.PRIVACY_OFFICER, password="x" * 16
        )
        werkse.bench_user_id = workways.bench_user_id = officer.pk
        today = datetime.date.today()
        seed(workways, 500, 10_000_000, today)
        client = Client()
        client.force_login(officer)
        # officer pages need the second login step too: a real TOTP code
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
        code = f"{TOTP(device.bin_key).token():06d}"
        assert client.post("/accounts/tweestaps/", {"otp_token": code}).status_code == 302
        rows = []
        seeded = 0
        for size in sorted(args.sizes):
            seed(werkse, size - seeded, seeded, today)
            seeded = size
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            median, worst, queries = measure(client, args.runs)
            rows.append((size, median, worst, queries))
        # the overdue band's own query, so the plan follows the view's filter (`open()`)
        overdue = (
            Case.objects.filter(organisation=werkse)
            .open()
            .filter(is_paused=False, legal_due_on__lt=today)
            .order_by("legal_due_on", "pk")
            .values("pk")[:50]
        )
        plan = "\n".join("    " + line for line in overdue.explain().splitlines())
        connection.close()
    finally:
        drop_database(url)
    print("\nOverdue band query plan at the largest size:\n" + plan)
    print("\nDeadline dashboard (GET /behandeling/termijnen/, PostgreSQL, test client)")
    print(f"{'open cases':>12} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for size, median, worst, queries in rows:
        print(f"{size:>12,} {median:>10.1f} {worst:>8.1f} {queries:>8}")
    counts = {q for *_, q in rows}
    print("query count flat:", "yes" if len(counts) == 1 else f"NO {sorted(counts)}")


if __name__ == "__main__":
    main()
