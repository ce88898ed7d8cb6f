from django.urls import path

from records import views

officer_patterns = (
    [
        path("zaken/<int:pk>/intrekking/", views.record_withdrawal, name="withdrawal"),
        path("zaken/<int:pk>/rechtsmiddelen/", views.remedies, name="remedies"),
        path("zaken/<int:pk>/incident/", views.record_incident, name="incident"),
        path("rechtsmiddelen/<int:pk>/heroverwegen/", views.reconsider, name="reconsider"),
        path("rechtsmiddelen/<int:pk>/herzien/", views.revise, name="revise"),
        path("rechtsmiddelen/<int:pk>/sluiten/", views.close_remedy, name="close_remedy"),
        path("incidenten/", views.incidents, name="incidents"),
        path("incidenten.csv", views.incidents_csv, name="incidents_csv"),
        path("post/", views.post_queue, name="post"),
        path("post/<int:pk>.pdf", views.post_batch_pdf, name="post_batch_pdf"),
        path("post/<int:pk>/verzonden/", views.post_dispatch, name="post_dispatch"),
        path("vernietiging/", views.destruction_runs, name="destruction_runs"),
        path("vernietiging/<int:pk>/", views.destruction_run, name="destruction_run"),
    ],
    "records",
)

public_patterns = (
    [path("verzoek/intrekken/<str:token>/", views.public_withdraw, name="withdraw")],
    "records_public",
)
