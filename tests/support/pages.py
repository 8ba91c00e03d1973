"""Read a page the way a browser would fetch it: which assets it references."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin


class AssetCollector(HTMLParser):
    """Collects the URLs of stylesheets, scripts, images and icons in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: dict[str, list[str]] = {"link": [], "script": [], "img": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        url = found.get("href") if tag == "link" else found.get("src")
        if tag in self.urls and url:
            self.urls[tag].append(url)


def asset_urls(html: str, base_url: str) -> dict[str, list[str]]:
    """Absolute URLs of every <link>, <script> and <img> asset, by tag."""
    collector = AssetCollector()
    collector.feed(html)
    return {tag: [urljoin(base_url, url) for url in urls] for tag, urls in collector.urls.items()}


def csrf_token(html: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
