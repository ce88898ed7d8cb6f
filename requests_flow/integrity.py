"""Is every received request whole? The checks behind bench/intake, the intake concurrency tests
and `manage.py check_intake`.

A request that was lost, doubled or half-made is a legal failure (issue 9): every request has a
unique reference, the year's references run from 1 to the counter without a gap, every request
has its receipt audit entry, every case its flow process, and every web submission with an
e-mail address its confirmation message in the outbox. Each check is one aggregate query, so it
runs in a second over 100,000 requests.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from requests_flow.constants import AuditAction, Channel
from requests_flow.models import AuditEntry, Case, ReferenceCounter, Request
from requests_flow.references import PREFIX

_NUMBER = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d+)$")
SAMPLE = 10  # problems listed per kind; the counts are complete


@dataclass
class IntakeReport:
    requests: int = 0
    duplicate_references: list[str] = field(default_factory=list)
    without_reference: list[int] = field(default_factory=list)
    # per year: numbers the counter handed out that no request holds, and numbers beyond it
    gaps: dict[int, list[int]] = field(default_factory=dict)
    beyond_counter: dict[int, list[int]] = field(default_factory=dict)
    without_audit_entry: list[str] = field(default_factory=list)
    without_confirmation: list[str] = field(default_factory=list)
    cases_without_process: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.duplicate_references
            or self.without_reference
            or any(self.gaps.values())
            or any(self.beyond_counter.values())
            or self.without_audit_entry
            or self.without_confirmation
            or self.cases_without_process
        )

    def lines(self) -> list[str]:
        """The report for a terminal: one line per kind of problem, or one line saying OK."""
        if self.ok:
            return [f"OK: {self.requests} requests, references unique and gap-free, all whole"]
        found = [
            ("duplicate references", self.duplicate_references),
            ("requests without a reference (pk)", self.without_reference),
            ("requests without their receipt audit entry", self.without_audit_entry),
            ("web requests without their confirmation message", self.without_confirmation),
            ("cases without a flow process (pk)", self.cases_without_process),
        ]
        found += [(f"gaps in {year}", numbers) for year, numbers in self.gaps.items()]
        found += [
            (f"numbers beyond the {year} counter", numbers)
            for year, numbers in self.beyond_counter.items()
        ]
        return [
            f"PROBLEM: {len(items)} {label}: {', '.join(map(str, items[:SAMPLE]))}"
            for label, items in found
            if items
        ]


def check_intake() -> IntakeReport:
    """Check every request in the database (see the module docstring)."""
    report = IntakeReport(requests=Request.objects.count())
    report.duplicate_references = list(
        Request.objects.exclude(reference=None)
        .values("reference")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("reference", flat=True)
    )
    report.without_reference = list(
        Request.objects.filter(Q(reference=None) | Q(reference="")).values_list("pk", flat=True)
    )
    _check_sequence(report)
    receipt = AuditEntry.objects.filter(
        request=OuterRef("pk"), case=None, action=AuditAction.SUBMITTED
    )
    report.without_audit_entry = list(
        Request.objects.filter(~Exists(receipt)).values_list("reference", flat=True)
    )
    from notifications.models import OutboxMessage

    confirmation = OutboxMessage.objects.filter(request=OuterRef("pk"), template="confirm_email")
    report.without_confirmation = list(
        Request.objects.filter(channel=Channel.WEB)
        .exclude(requester_email="", representative_email="")
        .filter(~Exists(confirmation))
        .values_list("reference", flat=True)
    )
    report.cases_without_process = list(
        Case.objects.filter(process=None).values_list("pk", flat=True)
    )
    return report


def _check_sequence(report: IntakeReport) -> None:
    numbers: dict[int, Counter] = {}
    for reference in Request.objects.exclude(reference=None).values_list("reference", flat=True):
        match = _NUMBER.match(reference)
        if match:
            numbers.setdefault(int(match[1]), Counter())[int(match[2])] += 1
    counters = dict(ReferenceCounter.objects.values_list("year", "last"))
    for year in sorted(set(numbers) | set(counters)):
        held = numbers.get(year, Counter())
        last = counters.get(year, 0)
        report.gaps[year] = [n for n in range(1, last + 1) if n not in held]
        report.beyond_counter[year] = sorted(n for n in held if n > last)
