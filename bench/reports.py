"""Benchmark: the FG's report page at 1,000 and 100,000 cases on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/avgflow_bench_reports \
        .venv/bin/python bench/reports.py [--sizes 1000 100000] [--runs 7]

Creates the database, migrates it, seeds cases in bulk for Werkse! over two years (decided,
refused, withdrawn and open ones; some extended, paused or forwarded) and some for Workways,
which the report must not count, then times GET /behandeling/rapportage/ for the current year
through Django's test client (middleware, views and templates, no network) and counts its
queries. Prints the figures last and drops the database it created. Local PostgreSQL only.
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
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # the test client speaks plain HTTP
os.environ.setdefault("ANYMAIL_WEBHOOK_SECRET", "bench:only")  # no webhook is called here
os.environ.setdefault("STATIC_MANIFEST", "false")  # no collectstatic needed for the bench


def seed(organisation, count: int, start: int, today: datetime.date, user_id: int) -> None:
    """`count` cases received over the last two years, one in five still open."""
    from requests_flow.models import AuditEntry, Case, Extension, InformationRequest, Request

    rights = ["access", "access", "access", "erasure", "rectification", "objection", "restriction"]
    channels = ["web", "web", "web", "email", "post", "phone", "desk"]
    outcomes = ["granted", "granted", "partly_granted", "refused", "not_handled", "withdrawn"]
    batch = 5000
    for offset in range(0, count, batch):
        n = min(batch, count - offset)
        requests = Request.objects.bulk_create(
            Request(
                reference=f"AVG-B-{start + offset + i:07d}",
                organisation=organisation,
                channel=channels[(start + offset + i) % 7],
                received_on=today - datetime.timedelta(days=(start + offset + i) % 730),
                requester_name="Bench",
                requester_email="bench@example.org",
                relation="client",
            )
            for i in range(n)
        )
        cases = []
        for i, r in enumerate(requests):
            k = start + offset + i
            is_open = k % 5 == 0 and (today - r.received_on).days < 120
            outcome = "" if is_open else outcomes[k % 6]
            decided = outcome not in ("", "withdrawn")
            cases.append(
                Case(
                    request=r,
                    organisation=organisation,
                    right=rights[k % 7],
                    status="assessment" if is_open else "closed",
                    internal_due_on=r.received_on + datetime.timedelta(days=28),
                    legal_due_on=r.received_on + datetime.timedelta(days=31),
                    outcome=outcome,
                    refusal_ground={"refused": "not_avg", "not_handled": "no_reply"}.get(
                        outcome, ""
                    ),
                    decision_sent_on=r.received_on + datetime.timedelta(days=5 + k % 40)
                    if decided
                    else None,
                )
            )
        cases = Case.objects.bulk_create(cases)
        Extension.objects.bulk_create(
            Extension(
                case=c,
                reason="complexity",
                explanation="Bench",
                decided_on=c.request.received_on,
                legal_due_before=c.legal_due_on,
                legal_due_after=c.legal_due_on,
                decided_by_id=user_id,
            )
            for j, c in enumerate(cases)
            if j % 20 == 0
        )
        InformationRequest.objects.bulk_create(
            InformationRequest(
                case=c,
                kind="identity",
                what_is_needed="ID",
                sent_on=c.request.received_on,
                reply_due_on=c.request.received_on + datetime.timedelta(days=14),
                created_by_id=user_id,
                status="answered",
            )
            for j, c in enumerate(cases)
            if j % 10 == 3
        )
        AuditEntry.objects.bulk_create(
            AuditEntry(request_id=c.request_id, case=c, action="forwarded")
            for j, c in enumerate(cases)
            if j % 50 == 7
        )


def measure(client, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:4]:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")
    return statistics.median(timings), max(timings), queries


def _login_with_second_factor(client, user) -> None:
    """Through the login page and the second step, as a person does (officer pages need both)."""
    from django.urls import reverse
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user.set_password("bench-password-16")
    user.save()
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    response = client.post(
        reverse("login"), {"username": user.username, "password": "bench-password-16"}
    )
    assert response.status_code == 302, "password not accepted"
    code = f"{TOTP(bytes.fromhex(device.key)).token():06d}"
    response = client.post(reverse("two_factor_verify"), {"otp_token": code})
    assert response.status_code == 302, "second factor not accepted"


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

        call_command("migrate", verbosity=0)
        werkse, workways = seeds.werkse(), seeds.workways()
        fg = create_staff_user(
            organisation=werkse, username="bench", role=Role.FG, password="x" * 16
        )
        today = datetime.date.today()
        seed(workways, 500, 10_000_000, today, fg.pk)
        client = Client()
        _login_with_second_factor(client, fg)
        page = f"/behandeling/rapportage/?start={today.year}-01-01&end={today.isoformat()}"
        rows = []
        seeded = 0
        for size in sorted(args.sizes):
            seed(werkse, size - seeded, seeded, today, fg.pk)
            seeded = size
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            rows.append((size, *measure(client, page, args.runs)))
        connection.close()
    finally:
        drop_database(url)
    print("\nFG report page (GET /behandeling/rapportage/, this year, PostgreSQL, test client)")
    print(f"{'cases':>12} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for size, median, worst, queries in rows:
        print(f"{size:>12,} {median:>10.1f} {worst:>8.1f} {queries:>8}")
    counts = {q for *_, q in rows}
    print("query count flat:", "yes" if len(counts) == 1 else f"NO {sorted(counts)}")


if __name__ == "__main__":
    main()
