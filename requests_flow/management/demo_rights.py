"""Demo requests for the rights beside inzage (AVG 16, 17, 18, 20, 21) and a combined request,
for `manage.py seed_demo`.

Each request is walked as far as its stage through the service functions and the flow runner,
as officers and system owners would do it on their task pages, so that after `make run` every
demo user has something in their queue: officers identity checks and assessments, the FG an
approval, system owners the changes in their systems. People, addresses and e-mail addresses
are made up.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from organisations.models import SourceSystem
from requests_flow import services
from requests_flow.constants import (
    Channel,
    IdentityMethod,
    ItemDecision,
    ItemGround,
    NotificationStatus,
    Relation,
    Right,
)
from requests_flow.flows import FLOW_FOR_RIGHT
from requests_flow.flows.runner import complete_human_task
from requests_flow.models import Request

# How far a request has come; each stage includes the ones before it.
SUBMITTED = "submitted"  # the requester has not confirmed the e-mail address yet
IDENTITY = "identity"  # waiting for the identity check
ASSESSMENT = "assessment"  # identity verified, waiting for the assessment
EXECUTION = "execution"  # assessed, waiting for the system owners
APPROVAL = "approval"  # carried out and drafted, waiting for a second person (or the FG)
DECIDED = "decided"  # approved: the letter has gone out
STAGES = (SUBMITTED, IDENTITY, ASSESSMENT, EXECUTION, APPROVAL, DECIDED)


@dataclass(frozen=True)
class DemoRequest:
    name: str
    email: str
    address: str
    postal_code: str
    city: str
    rights: tuple[str, ...]
    stage: str
    description: str = ""
    # per right: what the public form asks (services.add_case_items keyword arguments)
    asked: dict = field(default_factory=dict)
    # per right, when its stage differs from `stage` (a combined request)
    stages: dict = field(default_factory=dict)
    # a form arrives the moment it is sent; post, the desk, the phone and e-mail are registered
    # by an officer (today), with the day they reached us
    channel: str = Channel.WEB
    received_days_ago: int = 0
    # the assessment: changes to the register's pre-filled rows, keyed by how a row starts
    decide: dict = field(default_factory=dict)
    # systems and AVG 19 recipients, when they differ from what the register suggests
    systems: tuple[str, ...] | None = None
    recipients: tuple[str, ...] | None = None
    # AVG 19: recipients not told, with the reason recorded for each
    skipped: dict = field(default_factory=dict)
    note: str = ""
    # AVG 20(3): the officer starts the linked inzage case after the decision
    offer_access: bool = False

    def stage_of(self, right: str) -> str:
        return self.stages.get(right, self.stage)


def _items(*rows):
    return [services.ItemInput(*row) for row in rows]


def _refused(ground, reason):
    return {"decision": ItemDecision.REFUSED, "legal_ground": ground, "reason": reason}


WERKSE = [
    DemoRequest(
        name="Hanneke Mulder",
        email="hanneke.mulder@example.org",
        address="Lindelaan 14",
        postal_code="2612 AB",
        city="Delft",
        rights=(Right.RECTIFICATION,),
        stage=EXECUTION,
        channel=Channel.POST,
        received_days_ago=8,
        description="Ik ben verhuisd en heb een nieuw telefoonnummer. Uw post komt nog steeds "
        "op mijn oude adres.",
        asked={
            Right.RECTIFICATION: {
                "items": _items(
                    ("Adres", "Lindelaan 14, 2612 AB Delft", "Merelstraat 3, 2613 CD Delft"),
                    ("Telefoonnummer", "06 1234 5678", "06 8765 4321"),
                )
            }
        },
        systems=("Cliëntvolgsysteem (CVS)", "Documentbeheersysteem (DMS)"),
        recipients=("Gemeente Delft (Werk en Inkomen)", "UWV"),
    ),
    DemoRequest(
        name="Jeroen Kok",
        email="jeroen.kok@example.org",
        address="Kastanjelaan 27",
        postal_code="2614 EF",
        city="Delft",
        rights=(Right.RECTIFICATION,),
        stage=DECIDED,
        description="Mijn geboortedatum klopt niet, en het verslag van mijn gesprek met de "
        "jobcoach geeft niet goed weer wat ik heb gezegd.",
        asked={
            Right.RECTIFICATION: {
                "items": _items(
                    ("Geboortedatum", "12-03-1979", "21-03-1979"),
                    (
                        "Verslag van het gesprek met de jobcoach op 4 februari",
                        "Cliënt is niet gemotiveerd om te werken.",
                        "Cliënt wil graag werken, maar kan door rugklachten geen zwaar werk doen.",
                    ),
                )
            }
        },
        decide={
            "Verslag": _refused(
                ItemGround.ACCURATE,
                "Het verslag geeft het oordeel van uw jobcoach over het gesprek weer; dat is geen "
                "onjuist gegeven. Wij hebben uw eigen uitleg wel aan uw dossier toegevoegd.",
            )
        },
        systems=("Cliëntvolgsysteem (CVS)",),
        recipients=("UWV", "SVB"),
        skipped={
            "SVB": "De SVB heeft uw geboortedatum niet van ons, maar uit de Basisregistratie "
            "Personen; daar staat de juiste datum al."
        },
    ),
    DemoRequest(
        name="Lotte Hendriks",
        email="lotte.hendriks@example.org",
        address="Beukenhof 9",
        postal_code="2624 GH",
        city="Delft",
        rights=(Right.ERASURE,),
        stage=ASSESSMENT,
        channel=Channel.EMAIL,
        received_days_ago=5,
        asked={
            Right.ERASURE: {
                "items": [],
                "details": "Mijn gegevens voor de nieuwsbrief, en mijn dossier van het traject "
                "dat in 2017 is afgesloten.",
                "ground": "a",
            }
        },
    ),
    DemoRequest(
        name="Mohamed Bouzid",
        email="mohamed.bouzid@example.org",
        address="Reigerstraat 41",
        postal_code="2625 JK",
        city="Delft",
        rights=(Right.RESTRICTION,),
        stage=IDENTITY,
        asked={
            Right.RESTRICTION: {
                "items": [],
                "details": "De gegevens over mijn gezondheid in mijn dossier. Die kloppen niet; "
                "gebruik ze niet tot u dat hebt nagekeken.",
                "ground": "a",
            }
        },
    ),
    DemoRequest(
        name="Ingrid van Leeuwen",
        email="ingrid.vanleeuwen@example.org",
        address="Dahliastraat 5",
        postal_code="2627 LM",
        city="Delft",
        rights=(Right.OBJECTION,),
        stage=APPROVAL,
        channel=Channel.DESK,
        received_days_ago=10,
        asked={
            Right.OBJECTION: {
                "items": [],
                "details": "Dat u mijn gegevens deelt met werkgevers voor een proefplaatsing.\n\n"
                "Ik ben verhuisd na huiselijk geweld. Mijn ex-partner werkt bij een van de "
                "werkgevers waarmee u samenwerkt; hij mag niet weten waar ik woon.",
            }
        },
        decide={
            "Loonkostensubsidie": _refused(
                ItemGround.COMPELLING_GROUNDS,
                "Voor de loonkostensubsidie gaat alleen uw loonwaarde naar uw eigen werkgever, "
                "niet uw adres. Zonder die gegevens kan de gemeente de subsidie niet betalen en "
                "verliest u uw baan.",
            )
        },
        systems=("Cliëntvolgsysteem (CVS)",),
        note="Bijzondere situatie (veiligheid): werkgevers krijgen geen gegevens meer over "
        "mevrouw; alleen de loonwaarde gaat naar haar eigen werkgever.",
    ),
    DemoRequest(
        name="Sanne Dekker",
        email="sanne.dekker@example.org",
        address="Zonnebloemstraat 18",
        postal_code="2622 NP",
        city="Delft",
        rights=(Right.PORTABILITY,),
        stage=DECIDED,
        channel=Channel.EMAIL,
        received_days_ago=13,
        asked={
            Right.PORTABILITY: {
                "items": [],
                "details": "Alles wat ik zelf aan u heb gegeven: mijn cv en mijn gegevens voor "
                "de nieuwsbrief.",
            }
        },
        decide={
            "Nieuwsbrief": {
                "decision": ItemDecision.GRANTED,
                "current_value": "Naam: Sanne Dekker\nE-mailadres: sanne.dekker@example.org\n"
                "Interesses: vacatures in de zorg, open dagen",
            }
        },
        offer_access=True,
    ),
    DemoRequest(
        name="Thijs Willems",
        email="thijs.willems@example.org",
        address="Populierenweg 62",
        postal_code="2621 RS",
        city="Delft",
        rights=(Right.PORTABILITY,),
        stage=SUBMITTED,
        asked={
            Right.PORTABILITY: {
                "items": [],
                "details": "Mijn gegevens van de nieuwsbrief, zodat ik ze kan meenemen.",
            }
        },
    ),
    DemoRequest(
        name="Karin Vermeulen",
        email="karin.vermeulen@example.org",
        address="Esdoornlaan 7",
        postal_code="2614 TV",
        city="Delft",
        rights=(Right.ACCESS, Right.ERASURE),
        stage=ASSESSMENT,
        stages={Right.ERASURE: EXECUTION},
        channel=Channel.POST,
        received_days_ago=7,
        description="Ik wil weten welke gegevens u van mij heeft. En haal mij van de "
        "nieuwsbrief af: verwijder mijn naam en e-mailadres daar.",
        asked={
            Right.ERASURE: {
                "items": [],
                "details": "Mijn naam en e-mailadres voor de nieuwsbrief.",
                "ground": "b",
            }
        },
    ),
    DemoRequest(
        name="Pieter de Wit",
        email="pieter.dewit@example.org",
        address="Kwikstaartlaan 33",
        postal_code="2623 WX",
        city="Delft",
        rights=(Right.RESTRICTION,),
        stage=DECIDED,
        channel=Channel.PHONE,
        received_days_ago=12,
        asked={
            Right.RESTRICTION: {
                "items": [],
                "details": "Mijn adres. Uw brieven gaan naar een adres waar ik nooit heb "
                "gewoond; gebruik mijn adres niet tot u hebt uitgezocht welk adres klopt.",
                "ground": "a",
            }
        },
        decide={
            "Loonkostensubsidie": _refused(
                ItemGround.NO_RESTRICTION_GROUND,
                "Voor de loonkostensubsidie gebruiken wij uw adres niet.",
            ),
            "Nieuwsbrief": _refused(
                ItemGround.NO_RESTRICTION_GROUND,
                "De nieuwsbrief gaat per e-mail; uw adres staat daar niet in.",
            ),
        },
        systems=("Cliëntvolgsysteem (CVS)",),
        recipients=("Gemeente Delft (Werk en Inkomen)",),
    ),
]

WORKWAYS = [
    DemoRequest(
        name="Femke de Graaf",
        email="femke.degraaf@example.org",
        address="Vinkenstraat 12",
        postal_code="3531 AB",
        city="Utrecht",
        rights=(Right.RECTIFICATION,),
        stage=EXECUTION,
        description="Ik heb een nieuw telefoonnummer en e-mailadres.",
        asked={
            Right.RECTIFICATION: {
                "items": _items(
                    ("Telefoonnummer", "06 2345 6789", "06 9876 5432"),
                    ("E-mailadres", "f.degraaf@example.net", "femke.degraaf@example.org"),
                )
            }
        },
        systems=("CRM", "Trajectvolgsysteem"),
        recipients=("Werkgevers in ons netwerk",),
    ),
    DemoRequest(
        name="Rob van Dijk",
        email="rob.vandijk@example.org",
        address="Lijsterbesstraat 4",
        postal_code="3552 CD",
        city="Utrecht",
        rights=(Right.ERASURE,),
        stage=DECIDED,
        channel=Channel.EMAIL,
        received_days_ago=14,
        asked={
            Right.ERASURE: {
                "items": [],
                "details": "Mijn cv en mijn contactgegevens. Ik heb via u een baan gevonden en "
                "wil niet meer benaderd worden.",
                "ground": "a",
            }
        },
        decide={
            "Re-integratietrajecten in opdracht van UWV": _refused(
                ItemGround.PUBLIC_TASK,
                "Deze gegevens verwerken wij in opdracht van UWV. UWV beslist of ze gewist "
                "worden; u kunt uw verzoek daarvoor aan UWV richten.",
            ),
            "Re-integratietrajecten in opdracht van gemeenten": _refused(
                ItemGround.PUBLIC_TASK,
                "Deze gegevens verwerken wij in opdracht van de gemeente. De gemeente beslist of "
                "ze gewist worden.",
            ),
        },
    ),
    DemoRequest(
        name="Naima Yilmaz",
        email="naima.yilmaz@example.org",
        address="Goudenregenstraat 90",
        postal_code="3583 EF",
        city="Utrecht",
        rights=(Right.RESTRICTION,),
        stage=SUBMITTED,
        asked={
            Right.RESTRICTION: {
                "items": [],
                "details": "De gegevens over mijn arbeidsbeperking. Ik wacht op een second "
                "opinion; gebruik ze tot die tijd niet.",
                "ground": "a",
            }
        },
    ),
    DemoRequest(
        name="Kees Brouwer",
        email="kees.brouwer@example.org",
        address="Spechtlaan 21",
        postal_code="3523 GH",
        city="Utrecht",
        rights=(Right.OBJECTION,),
        stage=APPROVAL,
        channel=Channel.PHONE,
        received_days_ago=9,
        asked={
            Right.OBJECTION: {
                "items": [],
                "details": "Dat u mijn telefoonnummer en e-mailadres doorgeeft aan werkgevers "
                "in uw netwerk.\n\nIk word steeds gebeld door werkgevers over banen die niet bij "
                "mij passen. Ik zoek zelf werk, met hulp van mijn coach.",
            }
        },
        decide={
            "Re-integratietrajecten in opdracht van UWV": _refused(
                ItemGround.COMPELLING_GROUNDS,
                "In het traject dat UWV bij ons inkoopt, stellen wij u voor aan een werkgever "
                "als er een passende vacature is, en alleen na overleg met u. Dat is de opdracht "
                "van UWV; zonder dat contact kunnen wij u niet naar werk begeleiden.",
            )
        },
        systems=("CRM",),
        note="Werkgevers in ons netwerk krijgen zijn gegevens niet meer; voorstellen binnen het "
        "UWV-traject gaan door, na overleg met hem.",
    ),
    DemoRequest(
        name="Mark Peters",
        email="mark.peters@example.org",
        address="Wilgenweg 8",
        postal_code="3544 JK",
        city="Utrecht",
        rights=(Right.PORTABILITY,),
        stage=ASSESSMENT,
        channel=Channel.EMAIL,
        received_days_ago=3,
        description="Ik ga verder met een andere loopbaancoach. Kunt u mij mijn cv, "
        "mijn testuitslagen en de verslagen van onze gesprekken in een bestand sturen?",
        asked={
            Right.PORTABILITY: {
                "items": [],
                "details": "Mijn cv, testuitslagen en gespreksverslagen van de "
                "loopbaanbegeleiding.",
            }
        },
    ),
    DemoRequest(
        name="Sophie Jacobs",
        email="sophie.jacobs@example.org",
        address="Hazelaarstraat 15",
        postal_code="3515 LM",
        city="Utrecht",
        rights=(Right.ACCESS, Right.ERASURE),
        stage=IDENTITY,
        description="Ik wil zien welke gegevens u van mij heeft, en daarna dat u mij uit uw "
        "klantenbestand haalt.",
        asked={
            Right.ERASURE: {
                "items": [],
                "details": "Alles over mij in uw klantenbestand.",
                "ground": "c",
            }
        },
    ),
]

DEMO_REQUESTS = {"werkse": WERKSE, "workways": WORKWAYS}


def seed_rights_requests(organisation, *, officer, colleague, owner) -> None:
    """Load the organisation's demo requests that are not there yet (by e-mail address)."""
    for demo in DEMO_REQUESTS.get(organisation.slug, []):
        if not Request.objects.filter(
            organisation=organisation, requester_email=demo.email
        ).exists():
            _Walk(organisation, demo, officer, colleague, owner).run()


class _Walk:
    """One demo request, from the form to its stage, through the same service functions and
    flow tasks as the public form and the task pages."""

    def __init__(self, organisation, demo, officer, colleague, owner):
        self.organisation = organisation
        self.demo = demo
        self.officer = officer
        self.colleague = colleague
        self.owner = owner
        self.today = timezone.localdate()

    def reached(self, right, stage) -> bool:
        return STAGES.index(self.demo.stage_of(right)) >= STAGES.index(stage)

    def run(self) -> None:
        request_obj = self.submit()
        cases = list(request_obj.cases.select_related("request", "organisation").order_by("pk"))
        if not any(self.reached(case.right, IDENTITY) for case in cases):
            return
        if self.demo.channel == Channel.WEB:
            services.confirm_email(request_obj)
        if not any(self.reached(case.right, ASSESSMENT) for case in cases):
            return
        # verified once for the whole request (issue 3: combined requests)
        self.verify_identity(cases[0])
        for case in cases:
            if self.reached(case.right, EXECUTION):
                self.decide(case)

    def submit(self):
        demo = self.demo
        requester = services.Requester(
            name=demo.name,
            email=demo.email,
            address=demo.address,
            postal_code=demo.postal_code,
            city=demo.city,
            relation=Relation.CLIENT,
        )
        if demo.channel == Channel.WEB:
            request_obj = services.submit_request(
                organisation=self.organisation,
                rights=list(demo.rights),
                requester=requester,
                description=demo.description,
            )
        else:
            request_obj = services.register_request(
                organisation=self.organisation,
                actor=self.officer,
                channel=demo.channel,
                received_on=self.today - datetime.timedelta(days=demo.received_days_ago),
                rights=list(demo.rights),
                requester=requester,
                description=demo.description,
            )
        for case in request_obj.cases.filter(right__in=list(demo.asked)):
            services.add_case_items(case=case, **demo.asked[case.right])
        return request_obj

    def verify_identity(self, case) -> None:
        complete_human_task(
            case,
            FLOW_FOR_RIGHT[case.right].verify_identity,
            self.officer,
            lambda: services.verify_identity(
                case=case,
                actor=self.officer,
                method=IdentityMethod.HELD_DATA_MATCHED,
                established=True,
                matched_items=["name", "address", "client_number"],
            ),
        )

    def decide(self, case) -> None:
        """Assess; carry out in the systems and tell the recipients; draft, approve, send."""
        flow = FLOW_FOR_RIGHT[case.right]
        case.refresh_from_db()
        complete_human_task(
            case,
            flow.assess,
            self.officer,
            lambda: services.assess_items(
                case=case, actor=self.officer, assessment=self.assessment(case)
            ),
        )
        if not self.reached(case.right, APPROVAL):
            return
        for record in case.executions.filter(done_on__isnull=True):
            complete_human_task(
                case,
                flow.execute,
                self.owner,
                lambda record=record: services.confirm_execution(
                    record=record, actor=self.owner, done_on=self.today
                ),
                execution_id=record.pk,
            )
        for notification in case.notifications.filter(status=NotificationStatus.PENDING):
            reason = self.demo.skipped.get(notification.recipient, "")
            complete_human_task(
                case,
                flow.notify,
                self.officer,
                lambda notification=notification, reason=reason: services.record_notification(
                    notification=notification,
                    actor=self.officer,
                    sent=not reason,
                    sent_on=self.today,
                    reason=reason,
                ),
                notification_id=notification.pk,
            )
        case.refresh_from_db()
        complete_human_task(
            case,
            flow.draft_decision,
            self.officer,
            lambda: services.draft_items_decision(case=case, actor=self.officer),
        )
        if not self.reached(case.right, DECIDED):
            return
        case.refresh_from_db()
        complete_human_task(
            case,
            flow.approve,
            self.colleague,
            lambda: services.decide_approval(case=case, actor=self.colleague, approve=True),
        )
        if self.demo.offer_access:
            case.refresh_from_db()
            services.start_linked_access_case(case=case, actor=self.officer)

    def assessment(self, case):
        """The assessment form as the register pre-fills it, with this demo's changes."""
        defaults = services.assessment_defaults(case)
        decisions = []
        for row in defaults["rows"]:
            changes = next(
                (v for k, v in self.demo.decide.items() if row["description"].startswith(k)), {}
            )
            row = {**row, **changes}
            row["decision"] = row["decision"] or ItemDecision.GRANTED
            decisions.append(services.ItemDecisionInput.from_row(row))
        systems = defaults["systems"]
        if self.demo.systems is not None:
            systems = list(
                SourceSystem.objects.filter(
                    organisation=self.organisation, name__in=self.demo.systems
                )
            )
        recipients = defaults["recipients"]
        if self.demo.recipients is not None:
            recipients = list(self.demo.recipients)
        return services.Assessment(
            decisions=decisions, systems=systems, recipients=recipients, note=self.demo.note
        )
