"""Swedish full-text search (ProjectQuerySet.search): a project is found by its own texts, its
goals, what public pages say about it (its facts), its partners, its contacts (and its region's)
and its programme, each through an index or, for small tables, matched whole; show_passages()
says where each shown project matched, with the matched words marked."""

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import Case, F, Func, OuterRef, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils.html import escape
from django.utils.safestring import mark_safe

CONFIG = settings.SEARCH_CONFIG
# ts_headline's marks, private-use characters no published text has: the passage is escaped
# with them in it, then they become <mark> tags.
START, STOP = "\ue000", "\ue001"


def swedish_query(text):
    # websearch syntax: no input can make PostgreSQL raise a syntax error.
    return SearchQuery(text, config=CONFIG, search_type="websearch")


def matching_goals(text):
    from projects.models import Goal

    return Goal.objects.filter(search_vector=swedish_query(text)).order_by()


def matching(rows, query, *fields):
    """The rows whose fields match, without an index: for a small table (organisations,
    programmes) read whole, then joined by key, or a few projects' parts."""
    document = SearchVector(*fields, config=CONFIG)
    return rows.alias(document=document).filter(document=query).order_by()


def matching_ids(text):
    from projects.models import Contact, Fact, Organisation, Partnership, Programme, Project

    query = swedish_query(text)
    projects, partnerships = Project.objects.order_by(), Partnership.objects.order_by()
    contacts = Contact.objects.filter(search_vector=query).order_by()
    organisations = matching(Organisation.objects, query, "name")
    # "eruf", the programme's address, is the name people know it by.
    programmes = matching(Programme.objects, query, "name", "funder", "slug")
    # What public pages say about a project: a few facts each, a small table.
    facts = matching(Fact.objects, query, "label", "text").filter(project__isnull=False)
    # The ids from each index in one UNION, so no large table is read whole.
    return (
        projects.filter(search_vector=query)
        .values("pk")
        .union(
            matching_goals(text).values("project_id"),
            facts.values("project_id"),
            partnerships.filter(search_vector=query).values("project_id"),
            partnerships.filter(organisation__in=organisations).values("project_id"),
            contacts.filter(project__isnull=False).values("project_id"),
            projects.filter(
                region__in=contacts.filter(region__isnull=False).values("region_id")
            ).values("pk"),
            projects.filter(programme__in=programmes).values("pk"),
        )
    )


def rank(text):
    """Its own texts' rank plus its best goal's, looked for only in the projects a goal matched
    (a hashed subquery): a common word matches many projects by their own texts alone. A match
    in a partner, contact or programme alone ranks after both."""
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


# Passages -------------------------------------------------------------------------------------


def joined(*texts):
    """The non-empty texts joined by a dash, as one passage."""
    parts = [NullIf(text, Value("")) for text in texts]
    return Func(Value(" – "), *parts, function="CONCAT_WS", output_field=TextField())


# Where a match is told, in the order a card tells the first: the project's own texts first.
PLACES = {
    "goal": "mål",
    "fact": "uppgift ur en källa",
    "partner": "organisation som källan nämner",
    "contact": "kontaktperson",
    "region_contact": "regionens kontaktperson",
    "programme": "finansiär/program",
}
# A region's contact, a programme: matched by the region's or the programme's key.
OWNER_KEYS = {"region_contact": "region_id", "programme": "programme_id"}


def own_fields():
    from projects.models import Project

    return ["title", *Project.DESCRIPTION_FIELDS]


def places():
    from projects.models import Project

    own = {name: Project._meta.get_field(name).verbose_name for name in own_fields()}
    return own | PLACES


def headline(text, query, whole):
    # A name is shown whole; a long text, its best fragments.
    fragments = {"highlight_all": True} if whole else {"max_fragments": 2, "max_words": 25}
    return SearchHeadline(
        text,
        query,
        config=CONFIG,
        start_sel=START,
        stop_sel=STOP,
        min_words=8,
        fragment_delimiter=" … ",
        **fragments,
    )


def passage_rows(query, projects):
    """(place, key, passage) of every part of the projects that matches, in one query."""
    from projects.models import Contact, Fact, Goal, Partnership, Programme, Project

    ids = [project.pk for project in projects]
    regions = [project.region_id for project in projects]
    programmes = Programme.objects.filter(pk__in=[project.programme_id for project in projects])
    contact = ["name", "role", "organisation"]
    # The funder where it is not the name again; the name in the address where only it matched.
    named = joined("name", NullIf("funder", F("name")))
    programme = Case(
        When(named_vector=query, then=named),
        default=Concat(named, Value(" ("), "slug", Value(")"), output_field=TextField()),
    )
    programmes = programmes.alias(named_vector=SearchVector("name", "funder", config=CONFIG))

    def matched(queryset, place, key, fields, text=None, whole=False):
        """(place, key, passage) of the rows whose `fields` match, shown as `text` (by default
        the fields joined): whole, or the best fragments."""
        passage = headline(joined(*fields) if text is None else text, query, whole)
        return matching(queryset, query, *fields).values_list(Value(place), F(key), passage)

    own = Project.objects.filter(pk__in=ids)
    goals = Goal.objects.filter(project__in=ids)
    facts = Fact.objects.filter(project__in=ids)
    partners = Partnership.objects.filter(project__in=ids)
    contacts = Contact.objects.filter(project__in=ids)
    region_contacts = Contact.objects.filter(region__in=regions)
    rows = [matched(own, name, "pk", [name], F(name)) for name in own_fields()]
    rows += [
        # A goal matched by its unit alone shows its text unmarked.
        matched(goals, "goal", "project", ["text", "target_unit"], F("text")),
        matched(facts, "fact", "project", ["label", "text"]),
        matched(partners, "partner", "project", ["organisation__name", "role"]),
        matched(contacts, "contact", "project", contact, whole=True),
        matched(region_contacts, "region_contact", "region", contact, whole=True),
        matched(programmes, "programme", "pk", ["name", "funder", "slug"], programme, whole=True),
    ]
    return rows[0].union(*rows[1:], all=True)


def show_passages(projects, text):
    """Gives each project its first match in the order of places(): `passage`, (where it
    matched, the passage as HTML with the matched words in <mark>). One query for them all."""
    labels = places()
    order = list(labels)
    rows = sorted(passage_rows(swedish_query(text), projects), key=lambda row: order.index(row[0]))
    for project in projects:
        for place, key, passage in rows:
            if getattr(project, OWNER_KEYS.get(place, "pk")) == key:
                html = escape(passage).replace(START, "<mark>").replace(STOP, "</mark>")
                project.passage = (labels[place], mark_safe(html))  # escaped: safe
                break
