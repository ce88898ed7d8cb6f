"""The FG's report: figures against a seeded set with known answers, the page, the CSV and the
yearly PDF (issue 11)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import figures
from requests_flow.models import AuditEntry, Case, Extension, InformationRequest, Request
from tests.domain_fixtures import login

pytestmark = pytest.mark.django_db

D = datetime.date


def _case(
    org,
    n,
    *,
    received,
    right="access",
    channel="web",
    sent=None,
    internal=None,
    legal=None,
    outcome="",
    ground="",
    status=None,
):
    request_obj = Request.objects.create(
        reference=f"T-{org.slug}-{n}",
        organisation=org,
        channel=channel,
        received_on=received,
        requester_name="Test",
        relation="client",
    )
    return Case.objects.create(
        request=request_obj,
        organisation=org,
        right=right,
        status=status or ("closed" if sent or outcome == "withdrawn" else "assessment"),
        internal_due_on=internal or received + datetime.timedelta(days=28),
        legal_due_on=legal or received + datetime.timedelta(days=31),
        decision_sent_on=sent,
        outcome=outcome,
        refusal_ground=ground,
    )


@pytest.fixture
def seeded(werkse, workways, officer):
    """Ten Werkse! cases received in 2026 with known figures, one from 2025 and one of
    Workways that the 2026 report must leave out."""
    jan = D(2026, 1, 5)
    cases = [
        # decided within the internal target (10 and 20 days)
        _case(werkse, 1, received=jan, sent=jan + datetime.timedelta(days=10), outcome="granted"),
        _case(
            werkse,
            2,
            received=jan,
            sent=jan + datetime.timedelta(days=20),
            outcome="granted",
            channel="email",
        ),
        # after the internal target, within D1 (30 days)
        _case(
            werkse,
            3,
            received=jan,
            sent=jan + datetime.timedelta(days=30),
            outcome="refused",
            ground="identity",
            right="erasure",
            channel="post",
        ),
        # after D1 (40 days)
        _case(
            werkse,
            4,
            received=jan,
            sent=jan + datetime.timedelta(days=40),
            outcome="refused",
            ground="not_avg",
            right="erasure",
        ),
        # extended: D1 and the target moved; decided on day 60, within both new dates
        _case(
            werkse,
            5,
            received=jan,
            sent=jan + datetime.timedelta(days=60),
            outcome="not_handled",
            ground="no_reply",
            legal=jan + datetime.timedelta(days=90),
            internal=jan + datetime.timedelta(days=85),
            right="objection",
            channel="phone",
        ),
        _case(werkse, 6, received=jan, outcome="withdrawn"),
        # open, of several ages on 1 March 2026
        _case(werkse, 7, received=D(2026, 2, 27)),  # 2 days
        _case(werkse, 8, received=D(2026, 2, 10)),  # 19 days
        _case(werkse, 9, received=D(2026, 1, 20), channel="desk"),  # 40 days
        _case(werkse, 10, received=D(2025, 12, 1)),  # 90 days, received last year
        _case(workways, 11, received=jan, sent=jan + datetime.timedelta(days=5), outcome="granted"),
    ]
    Extension.objects.create(
        case=cases[4],
        reason="complexity",
        explanation="Veel systemen.",
        decided_on=jan,
        legal_due_before=jan,
        legal_due_after=jan,
        decided_by=officer,
    )
    for _ in range(2):  # two information requests on one case count as one paused case
        InformationRequest.objects.create(
            case=cases[2],
            kind="identity",
            what_is_needed="ID",
            sent_on=jan,
            reply_due_on=jan,
            created_by=officer,
            status="answered",
        )
    AuditEntry.objects.create(request=cases[7].request, case=cases[7], action="transferred")
    AuditEntry.objects.create(request=cases[8].request, case=cases[8], action="forwarded")
    return cases


def test_figures_match_the_seeded_answers(werkse, seeded, django_assert_max_num_queries):
    # issue 11: every figure checked against a set with known answers; one query per figure
    with django_assert_max_num_queries(9):
        result = figures.compute(werkse, D(2026, 1, 1), D(2026, 12, 31), today=D(2026, 3, 1))
    assert result.per_right == {
        "access": 6,
        "rectification": 0,
        "erasure": 2,
        "restriction": 0,
        "objection": 1,
        "portability": 0,
    }
    assert result.total == 9
    assert result.per_channel == {"web": 5, "email": 1, "post": 1, "desk": 1, "phone": 1}
    assert result.decided == 5
    assert (result.within_internal, result.within_internal_pct) == (3, 60.0)
    assert (result.within_legal, result.within_legal_pct) == (4, 80.0)
    assert result.extended == 1
    assert result.paused == 1
    assert (result.forwarded, result.transferred) == (1, 1)
    assert result.withdrawn == 1
    # the grounds issue 3 added (AVG 12(5), per item, right not applicable) count zero here
    assert result.refusals == {
        "not_avg": 1,
        "identity": 1,
        "no_reply": 1,
        "unfounded": 0,
        "excessive": 0,
        "not_applicable": 0,
        "items": 0,
        "other": 0,
    }
    # handling days 10, 20, 30, 40, 60: median 30; 90th percentile 40 + 0.6 * 20 = 52
    assert (result.median_days, result.p90_days) == (30.0, 52.0)
    assert result.open_by_age == {
        "0-7": 1,
        "8-14": 0,
        "15-21": 1,
        "22-28": 0,
        "29-56": 1,
        "57+": 1,
    }


def test_empty_period_has_no_percentages(werkse):
    result = figures.compute(werkse, D(2020, 1, 1), D(2020, 12, 31), today=D(2026, 3, 1))
    assert result.decided == 0
    assert result.within_legal_pct is None and result.median_days is None


def test_report_page_csv_and_yearly_pdf(client, werkse, seeded, fg):
    login(client, fg)
    query = {"start": "2026-01-01", "end": "2026-12-31"}
    page = client.get(reverse("reports:report"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") == 6  # one static chart per section, no script
    assert "<script" not in html
    assert "80,0%" in html or "80.0%" in html  # localised decimal

    export = client.get(reverse("reports:csv"), query)
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["organisation", "figure", "key", "value"]  # docs/reports.md
    table = {(r[1], r[2]): r[3] for r in rows[1:]}
    assert table[("requests_per_right", "erasure")] == "2"
    assert table[("within_legal_deadline", "percent")] == "80.0"
    assert table[("handling_days", "median")] == "30.0"
    documented = (
        __import__("pathlib").Path(__file__).resolve().parents[2] / "docs" / "reports.md"
    ).read_text()
    for figure, _key in table:
        assert f"`{figure}`" in documented, figure

    pdf = client.get(reverse("reports:yearly_pdf", args=[2026]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "2026" in text and werkse.name in text


def test_invalid_period_is_reported(client, fg):
    login(client, fg)
    page = client.get(reverse("reports:report"), {"start": "2026-12-31", "end": "2026-01-01"})
    assert page.status_code == 200
    assert "error-summary" in page.content.decode()


def test_report_access(client, werkse, officer, fg, other_officer, outsider):
    # DESIGN rule 8: the FG's report; officers 403, outsiders 404, anonymous to login
    for url in (
        reverse("reports:report"),
        reverse("reports:csv"),
        reverse("reports:yearly_pdf", args=[2026]),
    ):
        client.logout()
        assert "/accounts/login/" in client.get(url)["Location"]
        login(client, officer)
        assert client.get(url).status_code == 403
        client.logout()
        login(client, outsider)
        assert client.get(url).status_code == 404
        client.logout()
        login(client, fg)
        assert client.get(url).status_code == 200


def test_report_page_query_count_is_flat(
    client, werkse, officer, fg, django_assert_max_num_queries
):
    # DESIGN rule 10: the same number of queries at 10 and at 1,000 cases
    login(client, fg)
    counts = []
    for size in (10, 1000):
        Request.objects.bulk_create(
            Request(
                reference=f"B-{size}-{i}",
                organisation=werkse,
                channel="web",
                received_on=D(2026, 1, 1 + i % 28),
                requester_name="B",
                relation="client",
            )
            for i in range(size)
        )
        fresh = Request.objects.filter(reference__startswith=f"B-{size}-")
        Case.objects.bulk_create(
            Case(
                request=r,
                organisation=werkse,
                right="access",
                status="closed",
                internal_due_on=r.received_on,
                legal_due_on=r.received_on,
                decision_sent_on=r.received_on,
                outcome="granted",
            )
            for r in fresh
        )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert (
                client.get(
                    reverse("reports:report"), {"start": "2026-01-01", "end": "2026-12-31"}
                ).status_code
                == 200
            )
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
