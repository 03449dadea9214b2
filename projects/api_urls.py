from django.urls import path

from projects import api

app_name = "api"

urlpatterns = [
    path("regioner/", api.region_list, name="region_list"),
    path("regioner/<slug:slug>/", api.region_detail, name="region_detail"),
    path("program/", api.programme_list, name="programme_list"),
    path("projekt/", api.project_list, name="project_list"),
    path("projekt/<slug:slug>/", api.project_detail, name="project_detail"),
]
