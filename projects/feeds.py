"""An Atom feed of new and changed projects for any filtered view of /projekt/."""

from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.text import get_text_list

from projects.filters import published_project_filter
from projects.models import Project
from projects.responses import bad_filter_text
from projects.templatetags.portal import paragraphs

FEED_SIZE = 50
NO_DESCRIPTION = "Ingen ingress har publicerats."


def filter_query(project_filter):
    """The filters as a query string, without the list's page number."""
    query = project_filter.data.copy()
    query.pop("page", None)
    return f"?{query.urlencode()}" if query else ""


# The statuses as clauses that read the same after "ett projekt" and "tre projekt".
STATUS_CLAUSES = {
    "pagaende": "pågår",
    "avslutade": "har avslutats",
    "kommande": "inte har börjat",
}


def describe(project_filter):
    """The filters in words: "Projekt i Kronoberg och Östergötland om samverkan". Every part
    agrees with one project as with many, as the list puts a count before it."""
    chosen = project_filter.form.cleaned_data
    parts = ["Projekt"]
    if chosen.get("region"):
        parts.append("i " + get_text_list([r.short_name for r in chosen["region"]], "och"))
    if chosen.get("theme"):
        parts.append("om " + get_text_list([t.name for t in chosen["theme"]], "eller"))
    if chosen.get("programme"):
        names = [p.name for p in chosen["programme"]]
        parts.append("med finansiering från " + get_text_list(names, "eller"))
    if chosen.get("year"):
        parts.append("under " + get_text_list(chosen["year"], "eller"))
    clauses = []
    if chosen.get("status"):
        statuses = [STATUS_CLAUSES[status] for status in chosen["status"]]
        clauses.append(get_text_list(statuses, "eller"))
    if chosen.get("q"):
        clauses.append(f"innehåller ”{chosen['q']}”")
    if clauses:
        parts.append("som " + " och ".join(clauses))
    return " ".join(parts)


class ProjectFeed(Feed):
    feed_type = Atom1Feed
    author_name = "ASF-portalen"
    subtitle = (
        "Nya och ändrade projekt för arbetsintegrerande sociala företag, senast ändrade först."
    )

    def __call__(self, request, *args, **kwargs):
        project_filter = published_project_filter(request.GET)
        if project_filter.errors:
            return bad_filter_text(project_filter)
        return super().__call__(request, project_filter=project_filter)

    def get_object(self, request, project_filter):
        return project_filter

    def title(self, project_filter):
        return f"{describe(project_filter)} – ASF-portalen"

    def link(self, project_filter):
        return reverse("projects:list") + filter_query(project_filter)

    def feed_url(self, project_filter):
        return reverse("projects:feed") + filter_query(project_filter)

    def items(self, project_filter):
        projects = project_filter.qs.for_listing().recently_changed().with_edit_dates()
        cited = ["source__publisher", "source__retrieved_year", "source__retrieved_on"]
        return projects.select_related("source").only(*Project.LISTED_FIELDS, *cited)[:FEED_SIZE]

    def item_description(self, project):
        description = paragraphs(project.lead) or NO_DESCRIPTION
        if project.edited_at is None:
            # The template's output is safe HTML, so format_html leaves it as it is.
            source = {"source": project.source}
            description += format_html(
                "<p>{}</p>", render_to_string("includes/as_retrieved.html", source)
            )
        return description

    def item_pubdate(self, project):
        return project.first_published_at or project.created_at

    def item_updateddate(self, project):
        # Atom requires a date: for a project as loaded, when the portal published it.
        return project.edited_at or self.item_pubdate(project)

    def item_categories(self, project):
        return [project.region.short_name, *(theme.name for theme in project.themes.all())]
