from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView, TemplateView

from asf_portal import views
from asf_portal.sitemaps import SITEMAPS
from projects import views as project_views
from regions import scoped_admin

admin.site.site_header = "ASF-portalen: administration"
admin.site.site_title = "ASF-portalen"
admin.site.index_title = "Innehåll"

# The regions' pages show their projects too: they are the site's, named as the regions'.
region_patterns = [
    path("", views.region_list, name="list"),
    path("<slug:slug>/", views.region_detail, name="detail"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("regioner/", include((region_patterns, "regions"))),
    path("projekt/", include("projects.urls")),
    *(
        path(route, TemplateView.as_view(template_name=f"pages/{name}.html"), name=name)
        for route, name in [
            ("tillganglighet/", "accessibility"),
            ("personuppgifter/", "privacy"),
        ]
    ),
    path("om/", views.about, name="about"),
    path("statistik/", views.statistics, name="statistics"),
    path("jamfor/", views.compare, name="compare"),
    path("data/", project_views.open_data, name="data"),
    # The open data's catalogue record (DCAT-AP-SE), for Sweden's data portal to harvest.
    path(
        "data/katalog.rdf",
        project_views.data_catalogue,
        {"rdf_format": "rdf"},
        name="data_catalogue_rdf",
    ),
    path(
        "data/katalog.jsonld",
        project_views.data_catalogue,
        {"rdf_format": "jsonld"},
        name="data_catalogue_jsonld",
    ),
    path("api/", include("projects.api_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    # Browsers that ask for the old name get the SVG icon (its hashed name, known at request time).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    path("healthz", views.healthz, name="healthz"),
    # Before the admin's own "view on site", which would redirect to any record's address.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(scoped_admin.view_on_site),
    ),
    path("admin/", admin.site.urls),
]

handler400 = "asf_portal.views.bad_request"
handler500 = "asf_portal.views.server_error"
