"""The sitemap: the portal's pages, every region and every published project."""

from django.contrib.sitemaps import Sitemap
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


class RegionSitemap(Sitemap):
    def items(self):
        return Region.objects.all()

    def lastmod(self, region):
        return region.updated_at


class ProjectSitemap(Sitemap):
    def items(self):
        return Project.objects.published()

    def lastmod(self, project):
        return project.updated_at


SITEMAPS = {"pages": PageSitemap, "regions": RegionSitemap, "projects": ProjectSitemap}
