from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from projects.filters import ProjectFilter
from projects.models import Project

PAGE_SIZE = 20


def project_list(request):
    project_filter = ProjectFilter(request.GET, queryset=Project.objects.published())
    page = Paginator(project_filter.qs.for_listing(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": project_filter,
        "facets": project_filter.facets(),
        "page_obj": page,
        "has_filters": any(request.GET.getlist(name) for name in project_filter.filters),
    }
    # A malformed query string still gets the page, with what was wrong said in Swedish.
    status = 400 if project_filter.errors else 200
    return render(request, "projects/project_list.html", context, status=status)


def project_detail(request, slug):
    project = get_object_or_404(Project.objects.published().with_details(), slug=slug)
    return render(request, "projects/project_detail.html", {"project": project})
