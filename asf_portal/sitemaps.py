"""The sitemap: the portal's pages, every region and every published project."""

from django.contrib.sitemaps import GenericSitemap, Sitemap
from django.urls import reverse

from projects.models import Project
from regions.models import Region


class PageSitemap(Sitemap):
    def items(self):
        return [
            "home",
            "regions:list",
            "projects:list",
            "about",
            "accessibility",
            "privacy",
            "data",
            "statistics",
            "compare",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "regions": GenericSitemap({"queryset": Region.objects.all(), "date_field": "updated_at"}),
    "projects": GenericSitemap(
        {"queryset": Project.objects.published(), "date_field": "updated_at"}
    ),
}
