"""Responses the exports, the feed and the API share: readable JSON and the Swedish 400."""

from django.http import HttpResponseBadRequest, JsonResponse


def filter_errors(project_filter):
    return [f"{label}: {message}" for label, message in project_filter.error_messages()]


def bad_filter_json(project_filter):
    # ensure_ascii=False keeps å, ä and ö readable instead of \u00e5.
    return JsonResponse(
        {"fel": filter_errors(project_filter)},
        status=400,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )


def bad_filter_text(project_filter):
    lines = [
        "Filtren i adressen kunde inte användas:",
        *(f"- {error}" for error in filter_errors(project_filter)),
        "",
        "Filtren är desamma som på /projekt/. Rätta eller ta bort dem och försök igen.",
    ]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
