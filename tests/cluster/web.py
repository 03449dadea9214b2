"""A browser's side of HTTP for the cluster tests: cookies kept across the app servers, as
behind one load balancer, and forms filled in as the page showed them."""

import http.client
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


# The name readers know the portal by, which the load balancer passes on to every app server.
PUBLIC_HOST = "localhost"


class Browser:
    """One person's browser, through a load balancer to the app server in the URL. The load
    balancer ends TLS and keeps the public host name, so every request says Host: PUBLIC_HOST
    and X-Forwarded-Proto: https, and the Secure cookies it got are sent back."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, url, fields=None):
        parts = urlsplit(url)
        headers = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{PUBLIC_HOST}"
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Response(response.status, response.headers, text)

    def get(self, url):
        return self.request("GET", url)

    def submit(self, url, form_id, changes=None, button=None):
        """GET the page at url, then POST its form as shown, with the changes made. The page
        itself when it is not a 200."""
        page = self.get(url)
        if page.status != 200:
            return page
        fields = form_fields(page.text, form_id)
        fields.update(changes or {})
        if button:
            fields[button] = "1"
        return self.request("POST", url, fields)


class FormFields(HTMLParser):
    """The values one form sends: its inputs, checked boxes, chosen options and text areas."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = {}
        self.select = None
        self.textarea = None

    def add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or tag not in ("input", "select", "option", "textarea"):
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self.add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.add(name, "")

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea:
                # A browser drops the newline that follows <textarea>.
                value = self.fields[self.textarea][-1]
                self.fields[self.textarea][-1] = value.removeprefix("\n")
            self.textarea = None


def form_fields(html, form_id):
    parser = FormFields(form_id)
    parser.feed(html)
    assert parser.fields, f"no form #{form_id} on the page"
    fields = parser.fields.items()
    return {name: values if len(values) > 1 else values[0] for name, values in fields}
