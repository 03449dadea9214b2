import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, quote_etag
from django.utils.log import log_response
from django.views.defaults import bad_request

from asf_portal.caching import data_version_read
from asf_portal.routers import primary_for_reads
from regions.models import DataVersion

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
    """Public pages as HTTP caches and CDNs expect: an ETag and Last-Modified that change
    when the portal's data changes, 304 for a request that already has the page, and a
    shared server-side copy of each page until the data changes.

    Only anonymous GET and HEAD requests: an editor may be previewing drafts.
    """

    SERVER_CACHE_SECONDS = 600
    EXCLUDED_PREFIXES = ("/admin/", "/healthz", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_public(request):
            return self.get_response(request)
        changed_at = DataVersion.current()
        etag = quote_etag(self.fingerprint(request, changed_at))
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return self.with_cache_headers(HttpResponseNotModified(), etag, changed_at)

        key = f"page:{etag}"
        response = cache.get(key)
        if response is None:
            with data_version_read(changed_at):
                response = self.get_response(request)
            if response.status_code != 200 or self.is_private(response):
                return response
            if not response.streaming and not response.cookies:
                cache.set(key, response, self.SERVER_CACHE_SECONDS)
        return self.with_cache_headers(response, etag, changed_at)

    def is_public(self, request):
        return (
            settings.CACHE_UNTIL_DATA_CHANGES
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(self.EXCLUDED_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def is_private(response):
        # What a view keeps from caches (an editor's preview of a draft) stays out of this one,
        # and is never made public.
        directives = {
            directive.split("=")[0].strip().lower()
            for directive in response.get("Cache-Control", "").split(",")
        }
        return not directives.isdisjoint({"private", "no-store"})

    @staticmethod
    def fingerprint(request, changed_at):
        # Today's date too: "pågående" projects depend on it.
        parts = [
            changed_at.isoformat(),
            timezone.localdate().isoformat(),
            request.get_host(),
            request.get_full_path(),
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

    @staticmethod
    def with_cache_headers(response, etag, changed_at):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(changed_at.timestamp())
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        patch_vary_headers(response, ["Cookie"])
        return response


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
