import copy
import logging
import time
import uuid
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_cache_key,
    get_max_age,
    learn_cache_key,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date
from django.utils.log import log_response
from django.views.defaults import bad_request

from asf_portal.caching import data_changed_at
from asf_portal.routers import primary_for_reads
from projects.filters import ProjectFilter
from regions.forms import CompareForm

request_log = logging.getLogger("asf_portal.requests")


class RequestLogMiddleware:
    """One structured line per request. The path only: query strings can hold what a person
    searched for, and logs are kept longer than that deserves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        request_log.info(
            "request",
            extra={
                "request_id": request.id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


class PrimaryForEditsMiddleware:
    """With a read replica, the admin and every edit read from the primary, so an editor
    always sees what they just saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not request.path.startswith("/admin/"):
            return self.get_response(request)
        with primary_for_reads():
            return self.get_response(request)


class PublicPageCacheMiddleware:
    """Django's page cache (django.utils.cache, as its cache middleware uses it) for what the
    public sees: anonymous GET and HEAD requests outside the admin. Parameters no page reads
    are dropped first (use_recognised_parameters), caches on or off.

    With CACHE_UNTIL_DATA_CHANGES, a page is kept CACHE_MIDDLEWARE_SECONDS at its canonical
    address, under a key prefixed with the data version (read from the database the page is
    read from) and today's date ("pågående" depends on it; so Last-Modified is never before
    today began): a change makes the next request build the page anew. Browsers and CDNs may
    keep it PUBLIC_CACHE_SECONDS, then ask again with its ETag (ConditionalGetMiddleware
    answers 304).

    What a view keeps from shared caches (Cache-Control: private, as an editor's preview of a
    draft) is neither kept nor made public; signed-in users get nothing from this cache, and
    their own pages are marked never to be cached.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                add_never_cache_headers(response)
            return response
        if request.method not in ("GET", "HEAD") or request.path.startswith("/admin/"):
            return self.get_response(request)
        keyed = use_recognised_parameters(request)
        if not settings.CACHE_UNTIL_DATA_CHANGES:
            return self.get_response(request)
        changed_at = data_changed_at()
        today = timezone.localdate()
        key_prefix = f"{changed_at.isoformat()}.{today.isoformat()}"
        # A HEAD is answered from the GET's page; only GETs fill the cache.
        key = get_cache_key(keyed, key_prefix, "GET", cache=cache)
        if key and (response := cache.get(key)) is not None:
            return response
        response = self.get_response(request)
        # As Django's cache middleware: what a view marks private or never_cache stays so.
        if (
            response.status_code != 200
            or "private" in response.get("Cache-Control", "")
            or get_max_age(response) == 0
        ):
            return response
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        if not response.has_header("Last-Modified"):
            start_of_today = timezone.make_aware(datetime.combine(today, datetime.min.time()))
            response["Last-Modified"] = http_date(max(changed_at, start_of_today).timestamp())
        if self.is_shareable(request, response):
            set_response_etag(response)
            timeout = settings.CACHE_MIDDLEWARE_SECONDS
            key = learn_cache_key(keyed, response, timeout, key_prefix, cache=cache)
            cache.set(key, response, timeout)
        return response

    @staticmethod
    def is_shareable(request, response):
        # Not what sets a cookie or holds this visitor's CSRF token.
        return (
            settings.CACHE_MIDDLEWARE_SECONDS > 0
            and request.method == "GET"
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        )


# The query parameters some public page reads: the project filters (the list, its exports, feed
# and API), the region comparison's, page numbers, and the pages of Django's sitemap.
RECOGNISED_PARAMETERS = frozenset(
    [*ProjectFilter.base_filters, *CompareForm.base_fields, "page", "p"]
)


def use_recognised_parameters(request):
    """Drop every parameter no public page reads, and blank values, from the request's query
    string before any view reads it; return the request as the page cache keys it: at the
    canonical address, the same parameters sorted.

    As a CDN or Varnish in front of a portal would: so a request with anything else
    (`?utm_source=…`, `?x=<random>`) is answered with, and from, the page without it and adds no
    entry of its own, and `?region=b&region=a` finds the page of `?region=a&region=b`.
    """
    pairs = [
        (name, value)
        for name, values in request.GET.lists()
        if name in RECOGNISED_PARAMETERS
        for value in values
        if value.strip()
    ]
    request.META["QUERY_STRING"] = urlencode(pairs)
    request.GET = QueryDict(request.META["QUERY_STRING"])
    keyed = copy.copy(request)
    keyed.META = {**request.META, "QUERY_STRING": urlencode(sorted(pairs))}
    return keyed


class TooManyParametersMiddleware:
    """A query string with more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS gets the Swedish
    400 page, in every mode.

    It is read here, before any view: left to Django, a view reading it raises, and with DEBUG
    on the debug page reads it again to report that, which raises again at every middleware
    on the way out, until the request ends as a 500 many seconds later (Django ticket #35673).
    Placed after the middleware that add headers, so the 400 has them all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.GET  # noqa: B018 (parsing it is the point)
        except TooManyFieldsSent as error:
            response = bad_request(request, error)
            log_response(
                "Too many query parameters: %s",
                request.path,
                response=response,
                request=request,
                logger=logging.getLogger("django.security.TooManyFieldsSent"),
            )
            return response
        return self.get_response(request)
