import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache

log = logging.getLogger("asf_portal.errors")
DATABASE_DOWN = (OperationalError, InterfaceError)


@never_cache
def healthz(request):
    """For load balancers: is this app server able to reach its database? No personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """Django's 500 handler. A database that has gone away is not the portal's bug: the reader
    gets a Swedish 503 and a hint to try again, and the next request reconnects."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        response = HttpResponseServerError(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "10"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
