from django.contrib.auth import views as auth_views
from django.urls import include, path

from requests_flow.urls import officer_patterns, public_patterns

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("behandeling/", include(officer_patterns)),
    path("", include(public_patterns)),
]
