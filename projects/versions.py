"""Citable history: each published version of a project, with the goals, partners and contacts
of that moment, has a dated permalink. Drafts and editors' names are never shown."""

from django.shortcuts import get_object_or_404, render

from projects.models import Contact, Goal, Partnership, Project, sources_of

# What readers see change between versions; the rest is bookkeeping.
PUBLIC_FIELDS = [
    "title",
    *Project.DESCRIPTION_FIELDS,
    "period_start",
    "period_end",
    "region",
    "programme",
    "source",
]


def published_versions(project):
    return project.history.filter(status=Project.Status.PUBLISHED).order_by("-history_date")


def changes_between(newer, older):
    if older is None:
        return []
    delta = newer.diff_against(older, included_fields=PUBLIC_FIELDS)
    return [str(Project._meta.get_field(change.field).verbose_name) for change in delta.changes]


def project_versions(request, slug):
    project = get_object_or_404(Project.objects.published(), slug=slug)
    versions = list(published_versions(project))
    entries = [
        {"record": newer, "changes": changes_between(newer, older)}
        for newer, older in zip(versions, [*versions[1:], None], strict=True)
    ]
    return render(
        request, "projects/project_versions.html", {"project": project, "entries": entries}
    )


def project_version(request, slug, version_id):
    current = get_object_or_404(Project.objects.published(), slug=slug)
    record = get_object_or_404(published_versions(current), history_id=version_id)
    as_of = record.history_date
    project = record.instance
    project.edited_at = current.edited_at_as_of(as_of)
    goals = Goal.history.as_of(as_of).filter(project_id=project.pk).select_related("source")
    goals = sorted(goals, key=lambda goal: (goal.position, goal.pk))
    partnerships = Partnership.history.as_of(as_of).filter(project_id=project.pk)
    partnerships = partnerships.select_related("organisation", "source")
    contacts = Contact.history.as_of(as_of).filter(project_id=project.pk)
    context = {
        "project": project,
        "version": record,
        "is_latest": published_versions(current).first() == record,
        "themes": [row.theme for row in record.themes.select_related("theme")],
        "goals": goals,
        "partnerships": partnerships,
        "contacts": contacts,
        "sources": sources_of([project, *goals, *partnerships, *contacts]),
    }
    return render(request, "projects/project_detail.html", context)
