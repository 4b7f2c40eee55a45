"""`client_ip`: the one reading of the client's address (rate limits, referral checks)."""

from django.test import RequestFactory

from loyalty.platform.http import client_ip


def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **meta)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request(HTTP_X_FORWARDED_FOR="198.51.100.7")) == "10.0.0.2"


def test_behind_one_trusted_proxy_the_address_it_forwarded_counts(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    request = _request(HTTP_X_FORWARDED_FOR="203.0.113.50, 198.51.100.7")

    assert client_ip(request) == "198.51.100.7"


def test_fewer_forwarded_addresses_than_proxies_is_no_address_not_an_error(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    assert client_ip(_request(HTTP_X_FORWARDED_FOR="198.51.100.7")) is None
