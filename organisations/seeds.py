"""The two organisations whose privacy policies shaped avgflow (LEGAL.md §7), as data.

Used by the demo (`manage.py seed_demo`) and by the tests, so both work on the same, realistic
configuration. Idempotent: running it again updates nothing that exists.
"""

from organisations.constants import ErasureException, LegalBasis, LegalForm, ProcessingRole
from organisations.models import ForwardTarget, Organisation, ProcessingActivity
from organisations.services import sync_source_systems

WERKSE = {
    "slug": "werkse",
    "name": "Werkse!",
    "legal_form": LegalForm.PUBLIC_BODY,
    "parent_name": "gemeente Delft",
    "on_behalf_of": "het college van burgemeester en wethouders van Delft",
    "objection_body": "het college van burgemeester en wethouders van Delft",
    "objection_address": "Gemeente Delft\nPostbus 78\n2600 ME Delft",
    "address": "Werkse!\nPostbus 3003\n2601 DA Delft",
    "website": "https://www.werkse.nl",
    "email": "privacy@werkse.example",
    "phone": "015 251 7100",
    "fg_name": "Functionaris gegevensbescherming gemeente Delft",
    "fg_email": "fg@delft.example",
    "brand_colour": "#b5121b",
    "signatory": "de directeur van Werkse!",
    "retention_years": 5,
    "selection_list_category": "Selectielijst gemeenten: verzoeken van betrokkenen (AVG)",
    # rights including portability (LEGAL.md §7)
    "offered_rights": [
        "access",
        "rectification",
        "erasure",
        "restriction",
        "objection",
        "portability",
    ],
}

WORKWAYS = {
    "slug": "workways",
    "name": "Workways",
    "legal_form": LegalForm.PRIVATE,
    "address": "Workways B.V.\nPostbus 123\n3500 AC Utrecht",
    "website": "https://www.workways.nl",
    "email": "privacy@workways.example",
    "phone": "088 123 4560",
    "fg_name": "Privacy officer Workways",
    "fg_email": "fg@workways.example",
    "brand_colour": "#00606e",
    "signatory": "het management van Workways",
    "offered_rights": ["access", "rectification", "erasure", "restriction", "objection"],
}

WERKSE_REGISTER = [
    {
        "name": "Re-integratie en begeleiding naar werk",
        "role": ProcessingRole.CONTROLLER,
        "purposes": "Begeleiding naar werk, leerwerkplekken en dagbesteding in opdracht van de "
        "gemeente Delft (Participatiewet).",
        "legal_basis": LegalBasis.PUBLIC_TASK,
        "data_categories": "Naam, adres, geboortedatum, BSN, contactgegevens, opleiding en "
        "werkervaring, uitkeringsgegevens, gegevens over gezondheid voor zover nodig voor "
        "aangepast werk.",
        "systems": "Cliëntvolgsysteem (CVS)\nDocumentbeheersysteem (DMS)",
        "recipients": "Gemeente Delft (Werk en Inkomen)\nUWV\nSVB\nWerkgevers bij plaatsing "
        "(alleen met uw toestemming)",
        "retention": "5 jaar na afsluiting van het traject (Archiefwet, selectielijst gemeenten).",
        "erasure_exception": ErasureException.ARCHIVING,
        "source": "Gemeente Delft, UWV en uzelf.",
        "automated_decisions": "Geen.",
    },
    {
        "name": "Loonkostensubsidie en loonwaardebepaling",
        "role": ProcessingRole.CONTROLLER,
        "purposes": "Vaststellen van uw loonwaarde en uitvoeren van loonkostensubsidie voor de "
        "gemeente Delft (Participatiewet, artikel 10d).",
        "legal_basis": LegalBasis.PUBLIC_TASK,
        "data_categories": "Naam, BSN, werkgever- en contractgegevens, loonwaarde, "
        "subsidiegegevens.",
        "systems": "Cliëntvolgsysteem (CVS)\nSubsidieadministratie",
        "recipients": "Gemeente Delft (Werk en Inkomen)\nUWV\nBelastingdienst\nUw werkgever",
        "retention": "7 jaar na de laatste subsidiebetaling (fiscale bewaarplicht).",
        "erasure_exception": ErasureException.LEGAL_OBLIGATION,
        "source": "Uw werkgever, de gemeente Delft en uzelf.",
        "automated_decisions": "Geen.",
    },
    {
        "name": "Nieuwsbrief en uitnodigingen",
        "role": ProcessingRole.CONTROLLER,
        "purposes": "U op de hoogte houden van activiteiten en vacatures, als u daarvoor koos.",
        "legal_basis": LegalBasis.CONSENT,
        "data_categories": "Naam, e-mailadres, interesses.",
        "systems": "Nieuwsbriefsysteem",
        "recipients": "",
        "retention": "Tot u zich afmeldt.",
        "source": "Uzelf.",
        "automated_decisions": "Geen.",
    },
    {
        "name": "Personeels- en salarisadministratie",
        "data_subjects": "employee",
        "role": ProcessingRole.CONTROLLER,
        "purposes": "Uitvoering van de arbeidsovereenkomst, salarisbetaling, verzuimbegeleiding.",
        "legal_basis": LegalBasis.CONTRACT,
        "data_categories": "Naam, adres, BSN, bankrekening, salaris, verzuim, functie.",
        "systems": "HR-systeem (AFAS)\nSalarisadministratie",
        "recipients": "Belastingdienst\nPensioenfonds ABP\nPFZW (pensioenfonds zorg en welzijn)"
        "\nUWV\nSVB\nArbodienst",
        "retention": "7 jaar na uitdiensttreding (fiscale bewaarplicht).",
        "erasure_exception": ErasureException.LEGAL_OBLIGATION,
        "source": "Uzelf en uw leidinggevende.",
        "automated_decisions": "Geen.",
    },
    {
        "name": "Zakelijke contacten",
        "data_subjects": "business_contact",
        "role": ProcessingRole.CONTROLLER,
        "purposes": "Contact met leveranciers, opdrachtgevers en werkgevers.",
        "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
        "data_categories": "Naam, functie, zakelijke contactgegevens.",
        "systems": "Relatiebeheer (CRM)",
        "recipients": "Gemeente Delft",
        "retention": "2 jaar na het laatste contact.",
        "source": "Uzelf of uw werkgever.",
        "automated_decisions": "",
    },
]

# Workways' privacy regulation lists: personalia, contact data, income, BSN and benefit data,
# education and work history, disability where relevant, employer and contract data, subsidies.
WORKWAYS_REGISTER = [
    {
        "name": "Re-integratietrajecten in opdracht van UWV",
        "role": ProcessingRole.PROCESSOR,
        "controller_name": "UWV",
        "purposes": "Begeleiding naar werk in opdracht van UWV.",
        "legal_basis": LegalBasis.PUBLIC_TASK,
        "data_categories": "Personalia, contactgegevens, inkomen, BSN en uitkeringsgegevens, "
        "opleiding en werkervaring, arbeidsbeperking waar relevant, werkgever- en "
        "contractgegevens bij plaatsing.",
        "systems": "Trajectvolgsysteem\nDocumentarchief",
        "recipients": "UWV (opdrachtgever)\nWerkgevers bij plaatsing",
        "retention": "Zoals UWV als verwerkingsverantwoordelijke bepaalt; uiterlijk 2 jaar na "
        "afronding van het traject.",
        "erasure_exception": ErasureException.PUBLIC_TASK,
        "source": "UWV en uzelf.",
        "automated_decisions": "Geen.",
    },
    {
        "name": "Re-integratietrajecten in opdracht van gemeenten",
        "role": ProcessingRole.PROCESSOR,
        "controller_name": "de opdrachtgevende gemeente",
        "purposes": "Begeleiding naar werk in opdracht van gemeenten (Participatiewet).",
        "legal_basis": LegalBasis.PUBLIC_TASK,
        "data_categories": "Personalia, contactgegevens, inkomen, BSN en uitkeringsgegevens, "
        "opleiding en werkervaring, arbeidsbeperking waar relevant, werkgever- en "
        "contractgegevens, subsidiegegevens.",
        "systems": "Trajectvolgsysteem\nDocumentarchief",
        "recipients": "De opdrachtgevende gemeente\nWerkgevers bij plaatsing",
        "retention": "Zoals de gemeente als verwerkingsverantwoordelijke bepaalt.",
        "erasure_exception": ErasureException.PUBLIC_TASK,
        "source": "De gemeente en uzelf.",
        "automated_decisions": "Geen.",
    },
    {
        "name": "Loopbaanbegeleiding op eigen verzoek",
        "role": ProcessingRole.CONTROLLER,
        "purposes": "Loopbaancoaching en sollicitatietraining die u zelf met ons afsprak.",
        "legal_basis": LegalBasis.CONTRACT,
        "data_categories": "Personalia, contactgegevens, opleiding en werkervaring, cv.",
        "systems": "Trajectvolgsysteem",
        "recipients": "",
        "retention": "2 jaar na afronding; facturen 7 jaar (fiscale bewaarplicht).",
        "erasure_exception": ErasureException.LEGAL_OBLIGATION,
        "source": "Uzelf.",
        "automated_decisions": "Geen.",
    },
    {
        "name": "Relatiebeheer en contactgegevens",
        "role": ProcessingRole.CONTROLLER,
        "purposes": "Contact met cliënten; delen van contactgegevens met werkgevers (u kunt daar "
        "bezwaar tegen maken).",
        "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
        "data_categories": "Naam, telefoonnummer, e-mailadres.",
        "systems": "CRM",
        "recipients": "Werkgevers in ons netwerk",
        "retention": "2 jaar na het laatste contact.",
        "source": "Uzelf.",
        "automated_decisions": "Geen.",
    },
    {
        "name": "Zakelijke relaties",
        "data_subjects": "business_contact",
        "role": ProcessingRole.CONTROLLER,
        "purposes": "Contact met werkgevers, opdrachtgevers en leveranciers.",
        "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
        "data_categories": "Naam, functie, organisatie, zakelijke contactgegevens.",
        "systems": "CRM",
        "recipients": "",
        "retention": "2 jaar na het laatste contact.",
        "source": "Uzelf of uw werkgever.",
        "automated_decisions": "Geen.",
    },
    {
        "name": "Personeelsadministratie",
        "data_subjects": "employee",
        "role": ProcessingRole.CONTROLLER,
        "purposes": "Uitvoering van de arbeidsovereenkomst en salarisbetaling.",
        "legal_basis": LegalBasis.CONTRACT,
        "data_categories": "Personalia, BSN, bankrekening, salaris, verzuim, contractgegevens.",
        "systems": "HR-systeem\nSalarisadministratie",
        "recipients": "Belastingdienst\nPensioenfonds\nArbodienst",
        "retention": "7 jaar na uitdiensttreding (fiscale bewaarplicht).",
        "erasure_exception": ErasureException.LEGAL_OBLIGATION,
        "source": "Uzelf.",
        "automated_decisions": "Geen.",
    },
]


# Forward targets (LEGAL.md 3.1-3.2). Werkse! is part of the gemeente Delft: its privacy desk is
# the same controller (a transfer); UWV is another controller. Workways is a processor: its
# targets are the controllers that commission its processing, linked to that register line.
WERKSE_TARGETS = [
    {
        "name": "Privacyloket gemeente Delft",
        "email": "privacy@delft.example",
        "address": "Postbus 78\n2600 ME Delft",
        "same_controller": True,
    },
    {
        "name": "UWV",
        "email": "privacy@uwv.example",
        "address": "Postbus 58285\n1040 HG Amsterdam",
        "same_controller": False,
    },
]

WORKWAYS_TARGETS = [
    {
        "name": "UWV",
        "email": "privacy@uwv.example",
        "address": "Postbus 58285\n1040 HG Amsterdam",
        "activity": "Re-integratietrajecten in opdracht van UWV",
    },
    {
        "name": "Gemeente Utrecht",
        "email": "privacy@utrecht.example",
        "address": "Postbus 16200\n3500 CE Utrecht",
        "activity": "Re-integratietrajecten in opdracht van gemeenten",
    },
    {
        "name": "Gemeente Delft",
        "email": "privacy@delft.example",
        "address": "Postbus 78\n2600 ME Delft",
        "activity": "Re-integratietrajecten in opdracht van gemeenten",
    },
]


def _organisation(fields, register, targets):
    data = dict(fields)
    slug = data.pop("slug")
    organisation, created = Organisation.objects.get_or_create(slug=slug, defaults=data)
    if created:
        for fields in register:
            activity = ProcessingActivity.objects.create(organisation=organisation, **fields)
            sync_source_systems(activity)
    if not organisation.forward_targets.exists():
        for target in targets:
            values = dict(target)
            activity = values.pop("activity", None)
            if activity:
                values["processing_activity"] = organisation.processing_activities.filter(
                    name=activity
                ).first()
            ForwardTarget.objects.create(organisation=organisation, **values)
    return organisation


def werkse() -> Organisation:
    return _organisation(WERKSE, WERKSE_REGISTER, WERKSE_TARGETS)


def workways() -> Organisation:
    return _organisation(WORKWAYS, WORKWAYS_REGISTER, WORKWAYS_TARGETS)
