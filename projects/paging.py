"""Paging long lists of projects."""

from django.core.paginator import Paginator


class IdFirstPaginator(Paginator):
    """A page's projects are picked by id in a subquery first: in the list's order, ids come
    from an index alone, so a late page skips index entries rather than whole rows."""

    def page(self, number):
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        ids = self.object_list.values("pk")[first : first + self.per_page]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


class CountedPaginator(IdFirstPaginator):
    """A paginator told its count, so paging never counts the list again."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self):
        return self.known_count
