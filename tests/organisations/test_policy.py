"""The organisation as configured thing: the FG's policy page with its audit log, the logo on
letters and public pages, per-organisation branding without inline styles, the rights offered
on the form, and forward targets."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from organisations.models import ForwardTarget, PolicyAuditEntry
from organisations.services import PolicyError, check_logo
from requests_flow import letters
from requests_flow.flows import FLOW_FOR_RIGHT
from tests.domain_fixtures import login, submit_access_request

pytestmark = pytest.mark.django_db

# a 1x1 red PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    b'<rect width="40" height="20" fill="#b5121b"/></svg>'
)


def policy_data(client, **changes):
    """The policy form as the page shows it, with `changes` applied."""
    form = client.get(reverse("officer:organisation")).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "logo_upload":
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_fg_changes_the_policy_and_every_change_is_logged(client, werkse, fg, officer):
    # issue 6: the FG edits the policy in the officer UI; every change is audited (who, when, what)
    case = submit_access_request(werkse).cases.get()
    internal_before = case.internal_due_on
    login(client, fg)
    data = policy_data(
        client,
        internal_target_weeks="3",
        signatory="de directeur-bestuurder van Werkse!",
        offered_rights=list(FLOW_FOR_RIGHT),  # unchanged: since issue 3 every right has a flow
    )
    response = client.post(reverse("officer:organisation"), data)
    assert response.status_code == 302, response.context["form"].errors
    werkse.refresh_from_db()
    assert werkse.internal_target_weeks == 3
    assert werkse.signatory == "de directeur-bestuurder van Werkse!"
    # the offered rights were kept as they were
    assert werkse.offered_rights == list(FLOW_FOR_RIGHT)
    entries = {e.field: e for e in PolicyAuditEntry.objects.filter(organisation=werkse)}
    assert set(entries) == {"internal_target_weeks", "signatory"}
    assert entries["internal_target_weeks"].old_value == "4"
    assert entries["internal_target_weeks"].new_value == "3"
    assert entries["signatory"].actor == fg
    # the internal target of an open case follows the policy (LEGAL.md 1.3)
    case.refresh_from_db()
    assert (internal_before - case.internal_due_on).days == 7
    page = client.get(reverse("officer:organisation")).content.decode()
    assert "de directeur-bestuurder van Werkse!" in page  # the log shows before and after

    # an unchanged save writes nothing
    client.post(reverse("officer:organisation"), policy_data(client))
    assert PolicyAuditEntry.objects.filter(organisation=werkse).count() == 2


def test_policy_needs_the_public_body_fields_and_a_readable_colour(client, werkse, fg):
    # LEGAL.md §0: a public body's letters are signed "namens" and name the objection body;
    # WCAG AA: white header text on the brand colour
    login(client, fg)
    response = client.post(
        reverse("officer:organisation"),
        policy_data(client, on_behalf_of="", brand_colour="#ffcc00"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "on_behalf_of" in errors and "brand_colour" in errors
    assert not PolicyAuditEntry.objects.exists()


def test_logo_goes_on_letters_and_public_pages(client, werkse, fg, officer):
    # issue 6: letterhead with logo; the letter renderer fetches only data: URLs and static files
    login(client, fg)
    data = policy_data(client)
    data["logo_upload"] = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    response = client.post(reverse("officer:organisation"), data)
    assert response.status_code == 302, response.context["form"].errors
    werkse.refresh_from_db()
    assert werkse.logo
    assert PolicyAuditEntry.objects.filter(organisation=werkse, action="logo").exists()

    case = submit_access_request(werkse).cases.get()
    pdf = letters.render_letter(
        "letters/extension_notice.html",
        {
            **letters._context(case, case.request.received_on),
            "extension": type("E", (), {"legal_due_after": case.legal_due_on, "reason": "x"}),
        },
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(page.images) == 1  # the logo, embedded from its data: URL

    client.logout()
    form_page = client.get(reverse("public:request_form", args=["werkse"])).content.decode()
    assert reverse("public:logo", args=["werkse"]) in form_page
    logo = client.get(reverse("public:logo", args=["werkse"]))
    assert logo["Content-Type"] == "image/png"
    assert "sandbox" in logo["Content-Security-Policy"]


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        b'<image x:href="http://127.0.0.1:9/x.png"/></svg>',
        b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x/y)"/></svg>',
        b"GIF89a not a png",
        b"<html><body>hello</body></html>",
    ],
    ids=["script", "handler", "external", "entity", "css-url", "gif", "html"],
)
def test_logo_is_checked_by_content(content):
    # issue 6: PNG or SVG, checked by content; an SVG may not script or fetch
    with pytest.raises(PolicyError):
        check_logo(SimpleUploadedFile("logo.png", content))


def test_plain_svg_and_png_logos_pass():
    assert check_logo(SimpleUploadedFile("a.svg", SVG)) == "image/svg+xml"
    assert check_logo(SimpleUploadedFile("a.bin", PNG)) == "image/png"


def test_each_organisation_has_its_own_form_and_branding(client, werkse, workways):
    # acceptance 1: two organisations side by side, each with its own form and branding; the
    # branding is a stylesheet, not inline styles (strict CSP)
    for org, colour in ((werkse, "#b5121b"), (workways, "#00606e")):
        page = client.get(reverse("public:request_form", args=[org.slug]))
        html = page.content.decode()
        assert org.name in html
        assert "style=" not in html and "<style" not in html
        css_url = reverse("public:brand_css", args=[org.slug])
        assert css_url in html
        css = client.get(css_url)
        assert css["Content-Type"].startswith("text/css")
        assert colour in css.content.decode()


def test_form_offers_only_the_rights_the_organisation_offers(client, werkse):
    # issue 6: "which rights it offers on its form", intersected with the rights that have a flow
    url = reverse("public:request_form", args=["werkse"])
    form = client.get(url).context["form"]
    # Werkse! offers all six; since issue 3 each has a flow
    assert [value for value, _label in form.fields["rights"].choices] == list(FLOW_FOR_RIGHT)
    werkse.offered_rights = ["objection", "access"]
    werkse.save()
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["rights"].choices] == ["access", "objection"]
    werkse.offered_rights = []
    werkse.save()
    html = client.get(url).content.decode()
    assert 'name="rights"' not in html and "privacy@werkse.example" in html
    assert client.post(url, {"rights": ["access"], "name": "A"}).status_code == 200
    assert not werkse.requests.exists()


def test_fg_adds_and_changes_forward_targets(client, werkse, workways, fg):
    # issue 6: forward targets per organisation, every change audited
    login(client, fg)
    url = reverse("officer:forward_targets")
    page = client.get(url)
    assert "Privacyloket gemeente Delft" in page.content.decode()
    assert "Gemeente Utrecht" not in page.content.decode()  # Workways' target
    response = client.post(
        url, {"name": "SVB", "email": "privacy@svb.example", "address": "", "active": "on"}
    )
    assert response.status_code == 302
    svb = ForwardTarget.objects.get(organisation=werkse, name="SVB")
    assert PolicyAuditEntry.objects.filter(action="target_added", subject="SVB").count() >= 2
    edit = reverse("officer:forward_target", args=[svb.pk])
    client.post(edit, {"name": "SVB", "email": "avg@svb.example", "address": ""})
    svb.refresh_from_db()
    assert svb.email == "avg@svb.example" and not svb.active
    changed = PolicyAuditEntry.objects.get(action="target_changed", field="email")
    assert (changed.old_value, changed.new_value) == ("privacy@svb.example", "avg@svb.example")
    # a Workways processing activity cannot be linked to a Werkse! target
    activity = workways.processing_activities.filter(role="processor").first()
    response = client.post(
        edit, {"name": "SVB", "email": "avg@svb.example", "processing_activity": activity.pk}
    )
    assert response.status_code == 200 and "processing_activity" in response.context["form"].errors


POLICY_URLS = ["officer:organisation", "officer:forward_targets"]


def test_policy_pages_are_scoped(client, werkse, workways, fg, officer, other_officer, outsider):
    # DESIGN rule 8: anonymous to login; staff without the permission 403; outsiders 404; a
    # target of another organisation 404 for that organisation's FG
    from organisations.constants import Role
    from organisations.services import create_staff_user

    other_fg = create_staff_user(
        organisation=workways,
        username="wendy",
        role=Role.FG,
        password="correct-horse-battery-staple",
    )
    target = werkse.forward_targets.first()
    urls = [reverse(name) for name in POLICY_URLS] + [
        reverse("officer:forward_target", args=[target.pk])
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/")
    for user, expected in ((officer, 403), (outsider, 404)):
        login(client, user)
        for url in urls:
            assert client.get(url).status_code == expected, (user, url)
            assert client.post(url, {"name": "X"}).status_code == expected, (user, url)
        client.logout()
    login(client, other_fg)
    assert client.get(urls[2]).status_code == 404
    assert client.post(urls[2], {"name": "X", "email": "x@example.org"}).status_code == 404
    assert client.get(urls[0]).content.decode().count("Workways") >= 1
    target.refresh_from_db()
    assert target.name == "Privacyloket gemeente Delft"
    assert not PolicyAuditEntry.objects.exists()
