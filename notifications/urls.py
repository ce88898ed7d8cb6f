from django.urls import path

from notifications import views

app_name = "mail"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/voorbeeld/", views.message_preview, name="preview"),
    path("<int:pk>/voorbeeld.html", views.message_preview_html, name="preview_html"),
    path("aandacht/", views.problem_list, name="problems"),
    path("aandacht/<int:pk>/", views.problem_detail, name="problem"),
    path("bijlagen/<int:pk>/", views.inbound_attachment, name="inbound_attachment"),
]
