def without_empty_values(data):
    """A copy of a QueryDict without blank values: ?region=&q= means "no choice", as a blank
    form field does, not "the region called nothing"."""
    cleaned = data.copy()
    for key in list(cleaned):
        cleaned.setlist(key, [value for value in cleaned.getlist(key) if value.strip()])
    return cleaned
