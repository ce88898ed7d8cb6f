"""The public intake under concurrent submissions: nothing lost, nothing doubled (issue 9).

Real HTTP against the live server (threads, each with its own connection and database
connection), checked with requests_flow.integrity, the same check bench/intake prints. These
tests assert correctness only; the figures live in bench/intake.
"""

import http.client
import re
import threading
from urllib.parse import urlencode, urlparse

import pytest
from django.db import transaction

from notifications.models import OutboxMessage
from requests_flow.integrity import check_intake
from requests_flow.models import AuditEntry, Case, ReferenceCounter, Request
from requests_flow.references import assign_next_reference, next_reference
from tests.domain_fixtures import submit_access_request

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_INPUT = re.compile(r'name="idempotency_key" value="([^"]+)"')


@pytest.fixture
def intake(transactional_db, live_server, werkse, settings):
    """(host, port, form path) of Werkse!'s form, with the rate limit out of the way: every
    thread comes from 127.0.0.1, one client address."""
    settings.RATE_LIMIT_INTAKE = "10000/h"
    address = urlparse(live_server.url)
    return address.hostname, address.port, f"/{werkse.slug}/verzoek/"


def _http(host, port, method, path, body=b"", headers=None, attempts=5):
    """One request. The live server listens with a short queue (Django's test server): a
    connection it resets before answering is tried again with the same body, as the person
    would; for a submission that is safe by design, its idempotency key makes a repeat one."""
    for attempt in range(attempts):
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return (
                response.status,
                response.getheader("Location", ""),
                response.headers,
                response.read(),
            )
        except (ConnectionResetError, ConnectionRefusedError):
            if attempt == attempts - 1:
                raise
        finally:
            conn.close()


def _fetch_form(host, port, path):
    """GET the form: its CSRF cookie, CSRF token and idempotency key."""
    status, _location, headers, body = _http(host, port, "GET", path)
    assert status == 200
    cookie = next(
        c.split(";")[0] for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken=")
    )
    html = body.decode()
    return cookie, CSRF_INPUT.search(html)[1], KEY_INPUT.search(html)[1]


def _post(host, port, path, form, n):
    cookie, token, key = form
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "idempotency_key": key,
            "rights": "access",
            "name": f"Gelijktijdig {n}",
            "email": f"gelijktijdig{n}@example.org",
            "relation": "client",
            "language": "nl",
        }
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    return _http(host, port, "POST", path, body, headers)


def _post_together(posts) -> list:
    """Run the callables in threads released at the same moment; their results in order."""
    results = [None] * len(posts)
    barrier = threading.Barrier(len(posts))

    def run(i, post):
        barrier.wait()
        try:
            results[i] = post()
        except Exception as exc:  # reported by the assertion below, not swallowed
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_concurrent_submissions_are_all_whole(intake):
    # issue 9: no doubled or missing reference, no gap, no request without its audit entry,
    # confirmation message or flow process (LEGAL.md 1.1: every request counts from receipt)
    host, port, path = intake
    forms = [_fetch_form(host, port, path) for _ in range(50)]
    results = _post_together(
        [lambda form=form, n=n: _post(host, port, path, form, n) for n, form in enumerate(forms)]
    )
    statuses = [r if isinstance(r, Exception) else (r[0], r[1]) for r in results]
    assert all(
        not isinstance(s, Exception) and s[0] == 302 and "/verzoek/ontvangen/" in s[1]
        for s in statuses
    ), statuses
    report = check_intake()
    assert report.ok, report.lines()
    assert report.requests == Request.objects.count() == 50
    references = sorted(Request.objects.values_list("reference", flat=True))
    year = Request.objects.first().received_on.year
    assert references == [f"AVG-{year}-{n:05d}" for n in range(1, 51)]
    assert ReferenceCounter.objects.get(year=year).last == 50
    assert AuditEntry.objects.filter(action="submitted").count() == 50
    assert OutboxMessage.objects.filter(template="confirm_email").count() == 50
    assert Case.objects.filter(process__isnull=False).count() == 50


def test_the_same_form_posted_concurrently_is_one_request(intake):
    # issue 9 / issue 5: a double click or a retry after a timeout, arriving at the same time,
    # is one request; every answer leads to that request's confirmation page
    host, port, path = intake
    form = _fetch_form(host, port, path)
    results = _post_together([lambda: _post(host, port, path, form, 0)] * 5)
    assert all(not isinstance(r, Exception) and r[0] == 302 for r in results), results
    request_obj = Request.objects.get()
    pages = {_http(host, port, "GET", r[1])[3].decode() for r in results}
    assert all(request_obj.reference in page for page in pages)
    assert OutboxMessage.objects.filter(template="confirm_email").count() == 1
    assert check_intake().ok


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_submission_gives_its_number_back():
    # issue 9: "a gap that the reference sequence cannot explain" must never happen
    with transaction.atomic():
        first = next_reference(2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_reference(2026)
        raise RuntimeError("the submission failed after taking its number")
    with transaction.atomic():
        second = next_reference(2026)
    assert (first, second) == ("AVG-2026-00001", "AVG-2026-00002")


@pytest.mark.django_db(transaction=True)
def test_the_reference_is_taken_inside_the_submission_only():
    # STACK-FACTS (Databases): outside a transaction the counter lock would end at once
    with pytest.raises(RuntimeError):
        next_reference(2026)


def test_the_reference_written_on_the_request_is_gap_free_and_grows_past_five_digits(db, werkse):
    # issue 9 and STACK-FACTS (Databases): one sequence per year, five digits at least, never
    # capped; on PostgreSQL the number is taken and written in one statement
    first = submit_access_request(werkse)
    year = first.received_on.year
    assert first.reference == f"AVG-{year}-00001"
    ReferenceCounter.objects.filter(year=year).update(last=99_999)
    later = submit_access_request(werkse, email="later@example.org")
    assert later.reference == f"AVG-{year}-100000"
    later.refresh_from_db()
    assert later.reference == f"AVG-{year}-100000"


@pytest.mark.django_db(transaction=True)
def test_the_reference_is_written_inside_the_submission_only(werkse):
    request_obj = submit_access_request(werkse)
    with pytest.raises(RuntimeError):
        assign_next_reference(request_obj)


def test_the_check_reports_what_is_wrong(db, werkse):
    # the integrity check must be able to fail: a gap and a request without its audit entry
    request_obj = submit_access_request(werkse)
    assert check_intake().ok
    ReferenceCounter.objects.filter(year=request_obj.received_on.year).update(last=2)
    AuditEntry.objects.filter(request=request_obj, action="submitted").delete()
    report = check_intake()
    assert not report.ok
    assert report.gaps[request_obj.received_on.year] == [2]
    assert report.without_audit_entry == [request_obj.reference]
