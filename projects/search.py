"""Swedish full-text search over a project's texts and its goals (ProjectQuerySet.search).

Each table keeps its words in a stored search vector with a GIN index; inflected forms match
each other through the Swedish configuration (settings.SEARCH_CONFIG).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce


def swedish_query(text):
    # websearch syntax: words are ANDed, "quoted phrases" and -exclusions work, and no input
    # can make PostgreSQL raise a syntax error.
    return SearchQuery(text, config=settings.SEARCH_CONFIG, search_type="websearch")


def matching_goals(text):
    from projects.models import Goal

    return Goal.objects.filter(search_vector=swedish_query(text)).order_by()


def matching_ids(text):
    """The ids of the projects whose own texts or goals match: a UNION of two index scans."""
    from projects.models import Project

    in_texts = Project.objects.filter(search_vector=swedish_query(text)).order_by().values("pk")
    return in_texts.union(matching_goals(text).values("project_id"))


def rank(text):
    """How well a project matches: its own texts' rank and its best goal's.

    The best goal is looked for only in the projects a goal matched (a hashed subquery): a
    common word matches a third of the projects, most of them by their own texts alone.
    """
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
