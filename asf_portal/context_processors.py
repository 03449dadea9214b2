from django.conf import settings


def operator(request):
    """Who runs the portal, for the footer and the pages that must name them."""
    return {"operator": settings.PORTAL_OPERATOR}


def data_licence(request):
    """The licence of the portal's own data, for the footer and the open-data pages."""
    return {"licence": settings.PORTAL_DATA_LICENCE}
