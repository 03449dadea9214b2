from django.conf import settings


def operator(request):
    """Who runs the portal, for the footer and the pages that must name them."""
    return {"operator": settings.PORTAL_OPERATOR}
