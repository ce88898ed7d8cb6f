from django.urls import path

from reports import views

officer_patterns = (
    [
        path("", views.report, name="report"),
        path("rapportage.csv", views.report_csv, name="csv"),
        path("jaarverslag/<int:year>.pdf", views.yearly_pdf, name="yearly_pdf"),
    ],
    "reports",
)
