"""Checks of a brief's HTML shared by the unit and browser tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Attributes through which a page can load or point to another resource.
URL_ATTRIBUTES = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background"}
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)|@import\s+['\"]?([^'\";\s]+)", re.IGNORECASE)


class Page(HTMLParser):
    """Every tag with its attributes, the text, and the style sheets of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data):
        if self._in and self._in[-1] == "style":
            self.styles.append(data)
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]

    def plain_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def references(page: Page) -> list[str]:
    """Every URL the page refers to: in attributes, in style sheets and style attributes."""
    out = []
    for _, attrs in page.tags:
        for name, value in attrs.items():
            if name in URL_ATTRIBUTES:
                out.append(value.strip())
            if name == "style":
                out += [a or b for a, b in _CSS_URL.findall(value)]
    for css in page.styles:
        out += [a or b for a, b in _CSS_URL.findall(css)]
    return out


def external_references(page: Page) -> list[str]:
    """The references that leave the page: anything but ``data:`` URIs and ``#fragments``."""
    return [
        r[:80]
        for r in references(page)
        if r and not r.startswith("#") and not r.lower().startswith("data:")
    ]
