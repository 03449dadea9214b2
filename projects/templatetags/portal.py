from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

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
