"""Demo data: Werkse! and Workways, staff per role with known passwords, and requests for
every right in different states (inzage here, the other rights in management/demo_rights.py).
Only for the embedded demo: it refuses to run with DEBUG off unless --force. Idempotent: a demo
request whose requester's e-mail address the organisation already has is not loaded again."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from organisations import seeds
from organisations.constants import Role
from organisations.services import create_staff_user
from requests_flow import letters, services
from requests_flow.constants import IdentityMethod, Relation
from requests_flow.flows import AccessFlow
from requests_flow.flows.runner import complete_human_task
from requests_flow.management.demo_rights import seed_rights_requests
from requests_flow.models import Request

# printed for the demo on purpose; the command refuses to run with DEBUG off unless --force
DEMO_PASSWORD = "demo-avgflow-2026"  # noqa: S105  # nosec B105

STAFF = [
    ("privacy", Role.PRIVACY_OFFICER, "Pim", "Privacy"),
    ("privacy2", Role.PRIVACY_OFFICER, "Priya", "Collega"),
    ("fg", Role.FG, "Fenna", "FG"),
    ("systeem", Role.SYSTEM_OWNER, "Sam", "Systeem"),
]

REQUESTERS = [
    ("Anna de Vries", "anna@example.org", "new"),
    ("Bram Jansen", "bram@example.org", "confirmed"),
    ("Chantal Bakker", "chantal@example.org", "assessment"),
    ("Dirk Visser", "dirk@example.org", "approval"),
    ("Eva Smit", "eva@example.org", "closed"),
    ("Farid El Amrani", "farid@example.org", "refused"),
    ("Gijs de Boer", "gijs@example.org", "forwarded"),
]

# Why the demo's forwarded request goes to the organisation's first forward target (LEGAL.md 3).
FORWARD_REASONS = {
    "werkse": "Uw vraag gaat over uw bijstandsuitkering; die gegevens heeft de gemeente Delft.",
    "workways": "Uw traject bij Workways is in opdracht van UWV; UWV beslist over uw gegevens.",
}


class Command(BaseCommand):
    help = "Load the demo organisations, staff users and requests (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with known passwords; use DEBUG=1 or --force."
            )
        with transaction.atomic():
            # demo staff may skip the second login step, but only while DEBUG is on (README)
            demo_group, _created = Group.objects.get_or_create(name=settings.DEMO_STAFF_GROUP)
            # one hash for all new demo users: each costs most of a second, and they share it
            password_hash = None
            users = {}
            for org in (seeds.werkse(), seeds.workways()):
                for suffix, role, first, last in STAFF:
                    user = create_staff_user(
                        organisation=org,
                        username=f"{org.slug}-{suffix}",
                        role=role,
                        first_name=first,
                        last_name=last,
                        email=f"{org.slug}-{suffix}@example.org",
                    )
                    if not user.has_usable_password():
                        password_hash = password_hash or make_password(DEMO_PASSWORD)
                        user.password = password_hash
                        user.save(update_fields=["password"])
                    user.groups.add(demo_group)
                    users[(org.slug, suffix)] = user
                # the demo system owner owns every system, so the execution tasks are theirs
                owner = users[(org.slug, "systeem")]
                for system in org.source_systems.all():
                    system.owners.add(owner)
                self._requests(org, users)
                seed_rights_requests(
                    org,
                    officer=users[(org.slug, "privacy")],
                    colleague=users[(org.slug, "privacy2")],
                    owner=owner,
                )
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Staff logins (password: {DEMO_PASSWORD}):")
        )
        for (_slug, suffix), user in users.items():
            self.stdout.write(f"  {user.username:<22} {dict(STAFF_ROLES)[suffix]}")

    def _requests(self, org, users):
        officer = users[(org.slug, "privacy")]
        colleague = users[(org.slug, "privacy2")]
        for name, email, state in REQUESTERS:
            if Request.objects.filter(organisation=org, requester_email=email).exists():
                continue
            request_obj = services.submit_request(
                organisation=org,
                rights=["access"],
                requester=services.Requester(name=name, email=email, relation=Relation.CLIENT),
                description="Ik wil graag weten welke gegevens u van mij heeft.",
            )
            if state == "new":
                continue
            services.confirm_email(request_obj)
            case = request_obj.cases.get()
            if state == "confirmed":
                continue
            established = state != "refused"
            complete_human_task(
                case,
                AccessFlow.verify_identity,
                officer,
                lambda case=case, ok=established: services.verify_identity(
                    case=case,
                    actor=officer,
                    method=IdentityMethod.HELD_DATA_MATCHED
                    if ok
                    else IdentityMethod.EMAIL_CONFIRMED,
                    established=ok,
                    matched_items=["name", "address", "client_number"] if ok else [],
                    note="" if ok else "De gegevens kwamen niet overeen met onze administratie.",
                ),
            )
            case.refresh_from_db()
            if state == "assessment":
                continue
            if state == "forwarded":
                services.forward_case(
                    case=case,
                    actor=officer,
                    target=org.forward_targets.order_by("pk").first(),
                    scope="whole",
                    what="",
                    reason=FORWARD_REASONS.get(org.slug, "Deze organisatie is verantwoordelijk."),
                )
                continue
            if established:
                complete_human_task(
                    case,
                    AccessFlow.assess,
                    officer,
                    lambda case=case: services.assess_case(
                        case=case,
                        actor=officer,
                        is_avg_request=True,
                        note="",
                        findings=[services.Finding("Cliëntvolgsysteem (CVS)", True, "Dossier")],
                    ),
                )
                case.refresh_from_db()
                services.add_case_document(
                    case=case,
                    actor=officer,
                    uploaded=self._extract(name, email),
                    title="Uittreksel cliëntvolgsysteem",
                )
                complete_human_task(
                    case,
                    AccessFlow.draft_answer,
                    officer,
                    lambda case=case: services.draft_answer(
                        case=case,
                        actor=officer,
                        answer=services.access_answer_defaults(case),
                        data_processed=True,
                    ),
                )
            else:
                complete_human_task(
                    case,
                    AccessFlow.draft_refusal,
                    officer,
                    lambda case=case: services.draft_refusal(
                        case=case, actor=officer, reasons=case.decision_reasons
                    ),
                )
            case.refresh_from_db()
            if state == "approval":
                continue
            complete_human_task(
                case,
                AccessFlow.approve,
                colleague,
                lambda case=case: services.decide_approval(
                    case=case, actor=colleague, approve=True
                ),
            )

    def _extract(self, name, email):
        pdf = letters.render_pdf(
            "demo/extract.html", {"system": "Cliëntvolgsysteem (CVS)", "name": name, "email": email}
        )
        uploaded = ContentFile(pdf, name="uittreksel-cvs.pdf")
        uploaded.content_type = "application/pdf"
        return uploaded


STAFF_ROLES = [(suffix, str(role.label)) for suffix, role, _first, _last in STAFF]
