from django.shortcuts import get_object_or_404, render

from regions.models import Region


def home(request):
    regions = Region.objects.funded().select_related("county")
    return render(request, "home.html", {"regions": regions})


def region_detail(request, slug):
    region = get_object_or_404(Region, slug=slug)
    return render(request, "regions/region_detail.html", {"region": region})
