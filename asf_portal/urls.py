from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from asf_portal import views as portal_views
from asf_portal.sitemaps import SITEMAPS
from projects import views as project_views
from regions import admin_base
from regions import views as region_views

admin.site.site_header = "ASF-portalen: administration"
admin.site.site_title = "ASF-portalen"
admin.site.index_title = "Innehåll"

urlpatterns = [
    path("", region_views.home, name="home"),
    path("regioner/", include("regions.urls")),
    path("projekt/", include("projects.urls")),
    path("om/", TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path(
        "tillganglighet/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path(
        "personuppgifter/",
        TemplateView.as_view(template_name="pages/privacy.html"),
        name="privacy",
    ),
    path("statistik/", region_views.statistics, name="statistics"),
    path("jamfor/", region_views.compare, name="compare"),
    path("data/", project_views.open_data, name="data"),
    path("api/", include("projects.api_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", portal_views.healthz, name="healthz"),
    # Before the admin's own "view on site", which would redirect to any record's address.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_base.view_on_site),
    ),
    path("admin/", admin.site.urls),
]

handler500 = "asf_portal.views.server_error"
