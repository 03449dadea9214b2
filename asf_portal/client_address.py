"""Whose address a request comes from, for the login lockout (django-axes)."""

import ipaddress
from contextlib import suppress

from django.conf import settings


def client_ip_address(request):
    """The n-th address from the right in X-Forwarded-For, with n trusted proxies each
    appending one: what stands further left was sent by the client and proves nothing. A
    header the proxies cannot have written counts for nothing: then the connection's own."""
    trusted = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if 0 < trusted <= len(forwarded):
        with suppress(ValueError):
            return str(ipaddress.ip_address(forwarded[-trusted].strip()))
    return request.META.get("REMOTE_ADDR")
