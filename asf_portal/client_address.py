"""Whose address a request comes from, for the login lockout (django-axes)."""

import ipaddress

from django.conf import settings


def client_ip_address(request):
    """The client's address, as the outermost of TRUSTED_PROXY_COUNT proxies saw it.

    Each proxy appends the address it was connected from to X-Forwarded-For, so with n proxies
    the client's address is the n-th from the right; whatever stands further left was sent by
    the client and proves nothing. A header that the configured proxies cannot have written
    counts for nothing either: then the connection's own address is used.
    """
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= trusted:
            try:
                return str(ipaddress.ip_address(forwarded[-trusted].strip()))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")
