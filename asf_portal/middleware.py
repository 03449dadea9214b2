import copy
import logging
import time
import uuid
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
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
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import http_date
from django.utils.log import log_response
from django.views.defaults import bad_request

from asf_portal.caching import data_changed_at
from asf_portal.routers import primary_for_reads, replica_answers
from asf_portal.views import database_gone
from projects.filters import ProjectFilter
from regions.forms import CompareForm

request_log = logging.getLogger("asf_portal.requests")


def is_public_read(request):
    """A GET or HEAD outside the admin: for a visitor not signed in, what the replica answers
    and the page cache may keep."""
    return request.method in ("GET", "HEAD") and not request.path.startswith("/admin/")


class RequestLogMiddleware:
    """One structured line per request. The path only: a query string can hold what a person
    searched for."""

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


class SessionKeptIfItCanBeMiddleware(SessionMiddleware):
    """Django's sessions, but a session the database fails to save once the page is made (it
    went away in between) costs only the session's extension: the page is answered as made.
    Django would answer 400, and an editor whose edit was saved would be told it was not."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionInterrupted as error:
            if not database_gone(error):
                raise
            logging.getLogger(__name__).warning("The session could not be saved: %s", error)
            return response


class ReadsMiddleware:
    """With a read replica: the admin, every edit and signed-in editors' pages (their previews)
    read from the primary, so an editor always sees what they just saved. A public page that
    failed for want of a database (a 503) is built again from the primary: readers never see
    a replica go away."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_ROUTERS:
            return self.get_response(request)
        if not is_public_read(request) or request.user.is_authenticated:
            with primary_for_reads():
                return self.get_response(request)
        response = self.get_response(request)
        if response.status_code == 503:
            replica_answers()  # if it does not, reads go to the primary for a while
            with primary_for_reads():
                return self.get_response(request)
        return response


class PublicPageCacheMiddleware:
    """Django's page cache for anonymous GET and HEAD requests outside the admin, keyed by the
    data version and today's date (which "pågående" depends on), so a change to either makes
    the next request build the page anew. Signed-in users' pages are never cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                add_never_cache_headers(response)
            return response
        if not is_public_read(request):
            return self.get_response(request)
        keyed = use_recognised_parameters(request)
        # The API's fair-use limit counts every request in its views, which a cached page skips.
        if not settings.CACHE_UNTIL_DATA_CHANGES or request.path.startswith("/api/"):
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
        # Not what sets a cookie or holds this visitor's CSRF token.
        if (
            settings.CACHE_MIDDLEWARE_SECONDS > 0
            and request.method == "GET"
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            set_response_etag(response)
            timeout = settings.CACHE_MIDDLEWARE_SECONDS
            key = learn_cache_key(keyed, response, timeout, key_prefix, cache=cache)
            cache.set(key, response, timeout)
        return response


# The project filters (list, exports, feed, API), the comparison's, page numbers, sitemap pages.
RECOGNISED_PARAMETERS = frozenset(
    [*ProjectFilter.base_filters, *CompareForm.base_fields, "page", "p"]
)


def use_recognised_parameters(request):
    """Drop the parameters no public page reads, and blank values, before any view reads them,
    as a CDN would: `?utm_source=…` or `?x=<random>` then adds no cache entry of its own.
    Returns the request as the page cache keys it, with the parameters sorted."""
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


class TooManyParametersMiddleware(MiddlewareMixin):
    """Too many query parameters get the Swedish 400 page, in every mode: left to a view, with
    DEBUG on the request ends as a slow 500 (Django ticket #35673). Placed after the
    middleware that add headers, so the 400 has them all."""

    def process_request(self, request):
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
