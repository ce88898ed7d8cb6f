"""Helpers that walk a case of a right decided per item through its tasks over HTTP."""

import io
import subprocess

from django.urls import reverse
from pypdf import PdfReader

from organisations.models import SourceSystem
from requests_flow.models import Request

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_task(case, node, **data):
    tasks = case.process.task_set.filter(flow_task=node, status__in=["NEW", "ASSIGNED"])
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    return tasks.get()


def take(client, task):
    if task.status == "NEW":
        response = client.post(reverse("officer:task_assign", args=[task.pk]))
        assert response.status_code == 302, response
        task.refresh_from_db()
    return task


def do_task(client, case, node, data, **task_data):
    """Take the task from the queue and submit its form, as an officer does."""
    task = take(client, open_task(case, node, **task_data))
    response = client.post(reverse("officer:task", args=[task.pk]), data)
    case.refresh_from_db()
    return response


def public_submit(client, organisation, rights, **fields):
    url = reverse("public:request_form", args=[organisation.slug])
    key = client.get(url).context["form"]["idempotency_key"].value()
    data = {
        "rights": rights,
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "relation": "client",
        "language": "nl",
        "idempotency_key": str(key),
        **fields,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    return Request.objects.get(idempotency_key=key)


def assessment_form(client, case, node):
    """The assessment form as pre-filled (register, items), as POST data to change."""
    task = take(client, open_task(case, node))
    response = client.get(reverse("officer:task", args=[task.pk]))
    form, formset = response.context["form"], response.context["formset"]
    data = {"is_avg_request": "yes", "note": "", "reply_term_days": "14"}
    if "systems" in form.fields:
        data["systems"] = [str(pk) for pk in form["systems"].value() or []]
    if "recipients" in form.fields:
        data["recipients"] = form["recipients"].value() or ""
    data.update(
        {
            f"items-{key}": value
            for key, value in formset.management_form.initial.items()
            if value is not None
        }
    )
    rows = []
    for i, item_form in enumerate(formset.forms):
        row = {}
        for name in item_form.fields:
            value = item_form[name].value()
            row[name] = "" if value is None else str(value)
        rows.append(row)
        for name, value in row.items():
            data[f"items-{i}-{name}"] = value
    return data, rows


def set_row(data, index, **values):
    for name, value in values.items():
        data[f"items-{index}-{name}"] = value


def systems(org, *names):
    return [str(SourceSystem.objects.get(organisation=org, name=n).pk) for n in names]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def as_read(text: str) -> str:
    """A text as a reader (and pdftotext) sees it: without the word joiners (U+2060) that keep
    a reference such as 17(3)(b) on one line (locale/en)."""
    return text.replace("\u2060", "")


def pdftotext(content: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it in drawing order (-raw: a table cell's
    wrapped lines stay together), whitespace collapsed: what counting a phrase needs."""
    result = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


def letter_text(case) -> str:
    """The decision letter's text with its line breaks (table cells wrap) as spaces."""
    return " ".join(pdf_text(case.documents.get(kind="letter").file.read()).split())


def letter_raw_text(case) -> str:
    """The decision letter's text as `pdftotext` reads it, for counting phrases."""
    return pdftotext(case.documents.get(kind="letter").file.read())
