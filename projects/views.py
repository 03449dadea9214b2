from django.shortcuts import get_object_or_404, render

from projects.models import Project


def project_detail(request, slug):
    project = get_object_or_404(Project.objects.published(), slug=slug)
    return render(request, "projects/project_detail.html", {"project": project})
