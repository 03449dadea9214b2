from django.urls import path

from projects import versions, views
from projects.feeds import ProjectFeed

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.csv", views.project_export, {"file_format": "csv"}, name="export_csv"),
    path("export.json", views.project_export, {"file_format": "json"}, name="export_json"),
    path("flode/", ProjectFeed(), name="feed"),
    path("<slug:slug>/", views.project_detail, name="detail"),
    path("<slug:slug>/versioner/", versions.project_versions, name="versions"),
    path("<slug:slug>/versioner/<int:version_id>/", versions.project_version, name="version"),
]
