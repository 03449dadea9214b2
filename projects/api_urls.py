from django.urls import path
from django.views.generic import TemplateView

from projects import api

app_name = "api"

urlpatterns = [
    path("", api.Root.as_view(), name="root"),
    path("regioner/", api.RegionList.as_view(), name="region_list"),
    path("regioner/<slug:slug>/", api.RegionDetail.as_view(), name="region_detail"),
    path("program/", api.ProgrammeList.as_view(), name="programme_list"),
    path("projekt/", api.ProjectList.as_view(), name="project_list"),
    path("projekt/<slug:slug>/", api.ProjectDetail.as_view(), name="project_detail"),
    path("schema/", api.Schema.as_view(), name="schema"),
    path(
        "dokumentation/",
        TemplateView.as_view(template_name="api/documentation.html"),
        name="documentation",
    ),
]
