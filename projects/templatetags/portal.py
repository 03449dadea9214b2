from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list

from projects.models import sources_of

register = template.Library()


@register.filter
def number(value):
    """A figure in Swedish style: "10", "2,5", "1 200"; no trailing zeros from the database."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    places = max(0, -value.normalize().as_tuple().exponent)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def paragraphs(text):
    """Blank lines part paragraphs, "- " lines form a list; markup an editor types is escaped."""
    if not text:
        return ""
    blocks = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        prose = [line for line in lines if not line.startswith("- ")]
        items = [line[2:] for line in lines if line.startswith("- ")]
        if prose:
            blocks.append(f"<p>{'<br>'.join(escape(line) for line in prose)}</p>")
        if items:
            blocks.append(f"<ul>{format_html_join('', '<li>{}</li>', ((i,) for i in items))}</ul>")
    return mark_safe("\n".join(blocks))


# A section whose items share one source cites it once.
register.filter("sources_of", sources_of)


@register.simple_tag(takes_context=True)
def without_choice(context, name, value):
    """The page's address without one chosen value, from page one: a filter chip's link."""
    request = context["request"]
    query = request.GET.copy()
    query.setlist(name, [chosen for chosen in query.getlist(name) if chosen != str(value)])
    query.pop("page", None)
    query = query.urlencode()
    return f"{request.path}?{query}" if query else request.path


@register.filter
def distinct_title(project):
    """A card's title without the "ASF-projekt 2017–2018: " the portal's own titles begin with:
    beside the card's region and programme the rest tells the projects apart."""
    common, colon, rest = project.title.partition(": ")
    if colon and common == f"ASF-projekt {project.period_label}":
        return rest
    return project.title


@register.filter
def host_and_path(address):
    """("tillvaxtverket.se", "/vara-tjanster/…") of an address written without its scheme."""
    host, slash, path = address.partition("/")
    return host, slash + path


# Språkrådet: in running text the numbers one to twelve are written as words.
NUMBER_WORDS = ["inga", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio"]
NUMBER_WORDS += ["elva", "tolv"]


@register.filter
def in_words(count, gender="ett"):
    """A count for running text: "inga", "ett" (or "en" with "en"), "två" … "tolv", then
    digits: "ett projekt", "en region", "inga mål", "14 projekt"."""
    count = int(count)
    if count == 1 and gender == "en":
        return "en"
    if 0 <= count < len(NUMBER_WORDS):
        return NUMBER_WORDS[count]
    return number(count)


@register.filter
def and_list(items):
    """Names in a sentence: "A", "A och B", "A, B och C"."""
    return get_text_list([str(item) for item in items], "och")


@register.filter
def in_words_beside(count, other):
    """A count as words, unless the sentence's other count needs digits: "13 och 3", not
    "13 och tre" (Språkrådet: numbers compared are written alike)."""
    if int(other) >= len(NUMBER_WORDS):
        return number(count)
    return in_words(count)
