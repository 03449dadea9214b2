from django.http import QueryDict

from projects.filters import published_project_filter
from projects.paging import CountedPaginator, IdFirstPaginator


def test_a_page_applies_the_filters_once_to_pick_its_ids(db):
    # The ids are picked under the search and the region; the page's rows are then read by
    # those ids alone, so the search's array of matches appears in the SQL once, not twice.
    project_filter = published_project_filter(QueryDict("q=företag&region=ostergotland"))
    listed = project_filter.qs.for_listing()
    paginator = CountedPaginator(listed, 1, project_filter.count())
    page = paginator.page(1)
    sql = str(page.object_list.query)
    matches = str(project_filter.search_hits.ids)
    assert sql.count(matches) == 1 and sql.count('region_id" IN (') == 1
    every_project = list(listed.values_list("slug", flat=True))
    pages = [IdFirstPaginator(listed, 1).page(number) for number in paginator.page_range]
    assert [project.slug for page in pages for project in page] == every_project
    assert len(every_project) > 1
