"""Counts of published projects and their goals by region or programme: two GROUP BY queries,
not a join of every project with every goal."""

from dataclasses import dataclass

from django.db.models import Count, Q

from asf_portal.caching import until_data_changes
from projects.models import Goal, Programme, Project

# Tillväxtverket's regional projects 2017–2018; a region's other projects never count as these.
PROGRAMME_SLUG = "regionala-projekt-2017-2018"


@dataclass
class GoalStatistics:
    project_count: int = 0
    programme_project_count: int = 0  # of PROGRAMME_SLUG
    other_programmes: tuple = ()
    goal_count: int = 0
    overall_goal_count: int = 0
    result_goal_count: int = 0
    quantified_goal_count: int = 0
    reported_goal_count: int = 0
    achieved_goal_count: int = 0

    @property
    def unclassified_goal_count(self):
        return self.goal_count - self.overall_goal_count - self.result_goal_count

    def goals_by_kind(self):
        """(kind, count) for a table and its chart: the two kinds always (a zero is known once
        the goals are counted), goals whose source states no kind only where there are some."""
        kinds = [
            ("Övergripande mål", self.overall_goal_count),
            ("Resultatmål", self.result_goal_count),
        ]
        if self.unclassified_goal_count:
            kinds.append(("Källan anger inte typen", self.unclassified_goal_count))
        return kinds

    @property
    def other_project_count(self):
        return self.project_count - self.programme_project_count

    @property
    def follow_up_published(self):
        # Without a known outcome, "achieved: 0" would be a claim no source makes.
        return self.reported_goal_count > 0


def goal_statistics(group_by, count_goals=True, **filters):
    """{region or programme id: GoalStatistics} of the published projects matching filters."""
    projects = (
        Project.objects.published()
        .filter(**filters)
        .order_by()
        .values(*dict.fromkeys([group_by, "programme"]))
        .annotate(project_count=Count("pk"))
    )
    programmes = Programme.objects.only("pk", "slug", "name").in_bulk()
    in_programme_order = list(programmes).index  # the programmes' (Swedish) order
    statistics = {}
    for row in sorted(projects, key=lambda row: in_programme_order(row["programme"])):
        counts = statistics.setdefault(row[group_by], GoalStatistics())
        counts.project_count += row["project_count"]
        programme = programmes[row["programme"]]
        if programme.slug == PROGRAMME_SLUG:
            counts.programme_project_count += row["project_count"]
        else:
            counts.other_programmes += (programme.name,)
    if not count_goals:
        return statistics
    goals = (
        Goal.objects.filter(project__status=Project.Status.PUBLISHED)
        .filter(**{f"project__{name}": value for name, value in filters.items()})
        .order_by()
        .values(f"project__{group_by}")
        .annotate(
            goal_count=Count("pk"),
            overall_goal_count=Count("pk", filter=Q(kind=Goal.Kind.OVERALL)),
            result_goal_count=Count("pk", filter=Q(kind=Goal.Kind.RESULT)),
            quantified_goal_count=Count("pk", filter=Q(target_value__isnull=False)),
            reported_goal_count=Count("pk", filter=~Q(status=Goal.Status.NOT_REPORTED)),
            achieved_goal_count=Count("pk", filter=Q(status=Goal.Status.ACHIEVED)),
        )
    )
    for row in goals:
        counts = statistics.setdefault(row.pop(f"project__{group_by}"), GoalStatistics())
        for name, value in row.items():
            setattr(counts, name, value)
    return statistics


def with_statistics(records, group_by, count_goals=True):
    """The regions or programmes as a list, each with its `stats`, kept until the data changes."""
    records = list(records)
    ids = sorted(record.pk for record in records)
    statistics = until_data_changes(
        f"{group_by}-statistics",
        [count_goals, *ids],
        lambda: goal_statistics(group_by, count_goals, **{f"{group_by}__in": ids}),
    )
    for record in records:
        record.stats = statistics.get(record.pk, GoalStatistics())
    return records
