from django.conf import settings


def operator_and_data_licence(request):
    """Who runs the portal, and the licence of the portal's own data: for the footer, the pages
    that must name the operator and the open-data pages. Read from the settings alone, so the
    error pages, which Django renders without context processors, use it too."""
    return {"operator": settings.PORTAL_OPERATOR, "licence": settings.PORTAL_DATA_LICENCE}
