"""Swedish full-text search over a project's texts and its goals (ProjectQuerySet.search),
through each table's stored search vector and GIN index."""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce


def swedish_query(text):
    # websearch syntax: no input can make PostgreSQL raise a syntax error.
    return SearchQuery(text, config=settings.SEARCH_CONFIG, search_type="websearch")


def matching_goals(text):
    from projects.models import Goal

    return Goal.objects.filter(search_vector=swedish_query(text)).order_by()


def matching_ids(text):
    from projects.models import Project

    in_texts = Project.objects.filter(search_vector=swedish_query(text)).order_by().values("pk")
    return in_texts.union(matching_goals(text).values("project_id"))


def rank(text):
    """Its own texts' rank plus its best goal's, looked for only in the projects a goal matched
    (a hashed subquery): a common word matches many projects by their own texts alone."""
    query = swedish_query(text)
    goals = matching_goals(text)
    best_goal = (
        goals.filter(project=OuterRef("pk"))
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank")
        .values("rank")[:1]
    )
    goal_rank = Case(
        When(pk__in=goals.values("project_id"), then=Coalesce(Subquery(best_goal), 0.0)),
        default=0.0,
    )
    return SearchRank(F("search_vector"), query) + goal_rank
