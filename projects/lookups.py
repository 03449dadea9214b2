"""`id__any=[…]`: a column equal to any element of one array parameter."""

from django.db import models


@models.BigIntegerField.register_lookup
class AnyOf(models.Lookup):
    """`= ANY(%s)` with the list as one array parameter.

    `__in` writes one placeholder per value: for the tens of thousands of projects a common
    word matches, that is a long statement for Django to build and PostgreSQL to parse. An
    array is one parameter, and PostgreSQL hashes it.
    """

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # One array literal ('{1,2,3}'), which PostgreSQL reads as a single constant; a
        # Python list would be sent as ARRAY[1,2,3], one expression per element to plan.
        array = "{" + ",".join(str(int(value)) for value in self.rhs) + "}"
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, array]
