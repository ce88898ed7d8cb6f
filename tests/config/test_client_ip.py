"""The client address behind trusted reverse proxies (STACK-FACTS, Security pieces)."""

from django.test import RequestFactory

from config.client_ip import client_ip


def request(forwarded=None, remote="10.0.0.2"):
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


def test_without_proxies_the_connection_address_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("203.0.113.9")) == "10.0.0.2"


def test_with_one_proxy_its_last_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # what a client wrote itself (the first entry) is not believed
    assert client_ip(request("6.6.6.6, 203.0.113.9")) == "203.0.113.9"


def test_with_two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request("6.6.6.6, 203.0.113.9, 10.0.0.1")) == "203.0.113.9"
    assert client_ip(request("10.0.0.1")) == "10.0.0.2"  # did not pass both proxies
