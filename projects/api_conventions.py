"""What the API's views share, kept as the API answered before it used Django REST framework:
JSON written as the exports write it, whatever the client accepts; errors as {"fel": [...]} in
Swedish; pages of fifty with links that keep the client's query. Added: the licence in a Link
header, and a fair-use limit per client address."""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler

from asf_portal.client_address import client_ip_address
from projects.export_fields import site_origin
from projects.exports import ExportJSONEncoder, licence_link


class ReadableJSONRenderer(JSONRenderer):
    """å, ä and ö as they are, decimals as numbers, the separators of json.dumps and the
    charset named in the Content-Type."""

    charset = "utf-8"
    encoder_class = ExportJSONEncoder
    ensure_ascii = False
    compact = False


class JSONWhateverIsAccepted(BaseContentNegotiation):
    """JSON for every client, whatever its Accept header asks for: never a 406. No parser is
    chosen: the API only reads (GET and HEAD), so no request body is ever parsed."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class TooManyRequests(Throttled):
    default_detail = (
        "För många anrop från samma adress. Hela urvalet finns också som en fil: "
        "/projekt/export.json och /projekt/export.csv."
    )
    extra_detail_singular = "Försök igen om {wait} sekund."
    extra_detail_plural = "Försök igen om {wait} sekunder."


class PublicAPIView:
    """Every view of the API, its schema included: the licence of the portal's data in a Link
    header, whatever the answer; the fair-use limit's message in Swedish. Read-only: any
    other method than GET and HEAD (OPTIONS too, as before) is a 405."""

    http_method_names = ["get", "head"]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Link"] = licence_link()
        return response

    def throttled(self, request, wait):
        raise TooManyRequests(wait)


class DataView(PublicAPIView):
    """A view of the portal's data, giving records as the field tables read them."""

    content_negotiation_class = JSONWhateverIsAccepted
    renderer_classes = [ReadableJSONRenderer]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "origin": site_origin(self.request)}


def errors_in_swedish(exc, context):
    """REST framework's error answers as the API's: {"fel": [a message for each problem]}."""
    response = exception_handler(exc, context)
    if response is not None:
        data = response.data
        response.data = {"fel": data if isinstance(data, list) else [data["detail"]]}
    return response


class PerClientAddress(AnonRateThrottle):
    """API_THROTTLE_RATE requests per client address: the address the trusted proxies saw, as
    the login lockout counts it. Counted in the default cache."""

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_ident(self, request):
        return client_ip_address(request)


class WholeList(BasePagination):
    """A short list whole, with its length: {"count": …, "results": […]}."""

    def paginate_queryset(self, queryset, request, view=None):
        return list(queryset)

    def get_paginated_response(self, data):
        return Response({"count": len(data), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Antalet i listan."},
                "results": schema,
            },
        }


class ProjectPages(PageNumberPagination):
    page_size = 50
    page_query_description = "Sidnumret: 1 (den första sidan, som utan page=), 2 och så vidare."

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(queryset, self.page_size)
        try:
            self.page = paginator.page(request.query_params.get(self.page_query_param) or 1)
        except PageNotAnInteger:
            raise ValidationError(["Sidnumret (page) ska vara ett heltal, t.ex. page=2."]) from None
        except EmptyPage:
            raise NotFound(f"Sidan finns inte. Sista sidan är {paginator.num_pages}.") from None
        return self.page.object_list

    def get_next_link(self):
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else None

    def get_previous_link(self):
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else None

    def page_url(self, number):
        # The client's query in its order with the page number set (REST framework's own links
        # sort the query and leave page=1 out).
        query = self.request.query_params.copy()
        query[self.page_query_param] = number
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")
