from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts
from config.health import healthz
from records import urls as records_urls
from reports import urls as reports_urls
from requests_flow.urls import officer_patterns, public_patterns

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("behandeling/berichten/", include("notifications.urls")),
    path("accounts/tweestaps/", accounts.two_factor_verify, name="two_factor_verify"),
    path("accounts/tweestaps/instellen/", accounts.two_factor_setup, name="two_factor_setup"),
    path("healthz", healthz, name="healthz"),
    path("behandeling/", include(officer_patterns)),
    # anymail's inbound and tracking webhooks, e.g. /webhooks/anymail/postmark/inbound/;
    # authenticated by anymail (basic-auth secret or the provider's signature)
    path("webhooks/anymail/", include("anymail.urls")),
    path("behandeling/dossiers/", include(records_urls.officer_patterns)),
    path("behandeling/rapportage/", include(reports_urls.officer_patterns)),
    path("", include(records_urls.public_patterns)),
    path("", include(public_patterns)),
]
