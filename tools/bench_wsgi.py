"""The portal's WSGI application plus /bench/trivial, for `make bench` only.

/bench/trivial is a Django view that returns a fixed string, behind the same middleware as
every page: the baseline the benchmark compares the portal's pages to. It lives in this
URLconf, which only requests through this entry point use (Django resolves a request with
`request.urlconf` when it has one), so the production URLconf and asf_portal.wsgi never
know it. The in-process benchmark uses the URLconf through ROOT_URLCONF.
"""

import os

import django
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asf_portal.settings")
django.setup(set_prefix=False)

# The URLconf imports models, so the apps must be ready first.
from asf_portal import urls as portal_urls  # noqa: E402

TRIVIAL_PATH = "/bench/trivial"


def trivial(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path(TRIVIAL_PATH.lstrip("/"), trivial), *portal_urls.urlpatterns]
handler500 = portal_urls.handler500


class BenchRequest(WSGIRequest):
    urlconf = __name__


class BenchHandler(WSGIHandler):
    request_class = BenchRequest


application = BenchHandler()
