"""The API's serializers, made from the field tables the exports and /data/ use: each key gives
its field's value as the exports read it and carries its description into the OpenAPI schema."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers


# The tables give no types: each value is described in words, as on /data/.
@extend_schema_field(OpenApiTypes.ANY)
class TableField(serializers.Field):
    def __init__(self, field):
        self.field = field
        super().__init__(
            source="*", read_only=True, label=field.column, help_text=field.description
        )

    def to_representation(self, obj):
        # A path on the portal is given as a URL on the host the request came to.
        return self.field.read(obj, self.context["origin"])


def table_serializer(name, fields):
    """A read-only serializer class giving the keys of `fields` (export_fields.Field) in order."""
    return type(name, (serializers.Serializer,), {field.key: TableField(field) for field in fields})


class ErrorsSerializer(serializers.Serializer):
    fel = serializers.ListField(
        child=serializers.CharField(),
        help_text="Vad som gick fel: en förklaring på svenska för varje fel.",
    )


ERROR_DESCRIPTIONS = {
    400: "Ett filter eller sidnummer som inte kan användas.",
    404: "Det som adressen frågar efter finns inte.",
    429: "För många anrop från samma adress. Retry-After säger efter hur många sekunder nästa "
    "anrop går igen.",
}


def with_errors(ok, *statuses):
    """The responses of an operation for its schema: `ok` and the errors it may give."""
    errors = {
        status: OpenApiResponse(ErrorsSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }
    return extend_schema(responses={200: ok, **errors})
