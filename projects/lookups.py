"""`id__any=ids`: a column equal to any element of one array parameter."""

from django.db import models


class IdArray:
    """Ids as one PostgreSQL array literal, '{1,2,3}', made once however often it is used.

    Neither a list nor a string: Django walks a value it can iterate each time a queryset is
    filtered with it, element by element (a list) or, on a foreign key, character by character
    (a string), and a common word's search hits are tens of thousands of ids.
    """

    __slots__ = ("literal",)

    def __init__(self, literal):
        self.literal = literal

    @classmethod
    def of(cls, ids):
        return cls("{" + ",".join(map(str, map(int, ids))) + "}")

    def __str__(self):
        return self.literal


@models.ForeignKey.register_lookup
@models.BigIntegerField.register_lookup
class AnyOf(models.Lookup):
    """`= ANY(%s::bigint[])`, the ids as one array parameter.

    `__in` writes one placeholder per value: for the tens of thousands of projects a common
    word matches, that is a long statement for Django to build and PostgreSQL to parse. An
    array literal is one constant, which PostgreSQL hashes.
    """

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        array = self.rhs if isinstance(self.rhs, IdArray) else IdArray.of(self.rhs)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, str(array)]
