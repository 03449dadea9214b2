"""Paging long lists of projects."""

from django.core.paginator import Paginator


class IdFirstPaginator(Paginator):
    """A page's projects are picked by id in a subquery first: in the list's order, ids come
    from an index alone, so a late page skips index entries rather than whole rows."""

    def page(self, number):
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        ids = self.object_list.values("pk")[first : first + self.per_page]
        # Then the page's rows by those ids alone, with the list's columns and order: the
        # filters, applied again, would have the planner match every project of a search's
        # tens of thousands once more to join them with the page's twenty.
        rows = self.object_list.all()
        rows.query.clear_where()
        return self._get_page(rows.filter(pk__in=ids), number, self)


class CountedPaginator(IdFirstPaginator):
    """A paginator told its count, so paging never counts the list again."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self):
        return self.known_count
