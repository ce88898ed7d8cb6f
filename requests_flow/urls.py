from django.urls import path

from accounts import views as accounts
from requests_flow.views import clock, forwarding, officer, organisation, public, register, triage

public_patterns = (
    [
        path("", public.home, name="home"),
        path("<slug:slug>/verzoek/", public.request_form, name="request_form"),
        path("verzoek/ontvangen/<str:token>/", public.submitted, name="submitted"),
        path("verzoek/bevestigen/<str:token>/", public.confirm_email, name="confirm_email"),
        path("verzoek/antwoord/<str:token>/", public.answer, name="answer"),
        path(
            "verzoek/antwoord/<str:token>/<int:document_pk>/",
            public.answer_document,
            name="answer_document",
        ),
        path("verzoek/reactie/<str:token>/", public.reply, name="reply"),
        path("verzoek/status/<str:token>/", public.status, name="status"),
        path(
            "verzoek/status/<str:token>/<int:document_pk>/",
            public.status_document,
            name="status_document",
        ),
        path("verzoek/nieuwe-link/", public.new_link, name="new_link"),
        path("verzoek/nieuwe-link/verstuurd/", public.new_link_sent, name="new_link_sent"),
        path("doorgezonden/<str:token>/", forwarding.target_confirmation, name="forwarding"),
        path("<slug:slug>/huisstijl.css", public.brand_stylesheet, name="brand_css"),
        path("<slug:slug>/logo", public.logo, name="logo"),
    ],
    "public",
)

officer_patterns = (
    [
        path("", officer.inbox, name="inbox"),
        path("wachtrij/", officer.queue, name="queue"),
        path("zaken/<int:pk>/", officer.case_detail, name="case"),
        path("zaken/<int:pk>/stroom.svg", officer.case_chart, name="case_chart"),
        path("zaken/<int:pk>/inzage-starten/", officer.offer_access, name="case_offer_access"),
        path("documenten/<int:pk>/", officer.document_download, name="document"),
        path("identiteitsbewijs/<int:pk>/", officer.id_copy_view, name="id_copy"),
        path(
            "documenten/<int:pk>/identiteitsbewijs/",
            officer.document_mark_id,
            name="document_mark_id",
        ),
        path("taken/<int:task_pk>/", officer.task_entry, name="task"),
        path("taken/<int:task_pk>/oppakken/", officer.task_assign, name="task_assign"),
        path("termijnen/", clock.dashboard, name="dashboard"),
        path("verzoeken/nieuw/", officer.register_request, name="register_request"),
        path("zaken/<int:pk>/verdagen/", clock.extend, name="case_extend"),
        path("zaken/<int:pk>/ingebrekestelling/", clock.notice_of_default, name="case_notice"),
        path("beheer/feestdagen/", clock.decreed_days, name="decreed_days"),
        path("triage/", triage.triage_list, name="triage"),
        path("triage/<int:pk>/", triage.triage_detail, name="triage_detail"),
        path("inlogpogingen/", accounts.login_log, name="login_log"),
        path("account/wachtwoord/", accounts.password_change, name="password_change"),
        path("account/herstelcodes/", accounts.recovery_codes, name="recovery_codes"),
        path("zaken/<int:pk>/doorzenden/", forwarding.forward, name="case_forward"),
        path("zaken/<int:pk>/terugsturen/", forwarding.return_request, name="case_return"),
        path(
            "zaken/<int:pk>/overdracht-beantwoord/",
            forwarding.transfer_answered,
            name="case_transfer_answered",
        ),
        path("beheer/organisatie/", organisation.policy, name="organisation"),
        path("beheer/doorzendadressen/", organisation.forward_targets, name="forward_targets"),
        path(
            "beheer/doorzendadressen/<int:pk>/",
            organisation.forward_target,
            name="forward_target",
        ),
        path("beheer/register/", register.register_list, name="register"),
        path("beheer/register/nieuw/", register.register_edit, name="register_add"),
        path("beheer/register/<int:pk>/", register.register_edit, name="register_edit"),
    ],
    "officer",
)
