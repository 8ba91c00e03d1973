"""Headless Chromium for the browser tests: Debian's build, driven by Playwright.

Debian's chromium is used rather than `playwright install`, which downloads a browser: the
tests then run on machines without internet access, with the browser users actually have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Response

CHROMIUM = "/usr/bin/chromium"
# No sandbox: the tests run as root in containers, where Chromium's sandbox cannot start. The
# rest keep the browser from calling home or doing background work that slows a test down.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1200, "height": 800}


def launch(playwright: Playwright) -> Browser:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found: apt-get install -y chromium (scripts/test does)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)


# Every page records the Content-Security-Policy violations the browser reports, before any of
# its own scripts run.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


def csp_violations(page: Page) -> list[str]:
    """What the browser refused on the current page because of its Content-Security-Policy."""
    return list(page.evaluate("window.cspViolations"))


# An attacker's HTML, as if injected into the page: a <script src> for each URL, each resolving to
# "ran" or "refused" (the page's Content-Security-Policy, or a failed load).
_INJECT_SCRIPTS = """async (urls) => {
    const load = (url) => new Promise((resolve) => {
        const script = document.createElement("script");
        script.src = url;
        script.onload = () => resolve("ran");
        script.onerror = () => resolve("refused");
        document.head.append(script);
    });
    const results = {};
    for (const url of urls) results[url] = await load(url);
    return results;
}"""


def inject_scripts(page: Page, urls: list[str]) -> dict[str, str]:
    """Add a script element for each URL to the current page: which ran, which were refused."""
    return dict(page.evaluate(_INJECT_SCRIPTS, urls))


@dataclass
class PageLog:
    """Everything a page did that a person would only see in the developer tools."""

    failed: list[str] = field(default_factory=list)  # requests that errored or got a 4xx/5xx
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    warnings: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        return page

    def _request_failed(self, request: Request) -> None:
        self.failed.append(f"{request.method} {request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        self.responses.append(response)
        if response.status >= 400:
            self.failed.append(f"{response.request.method} {response.url}: {response.status}")

    def _console(self, message: ConsoleMessage) -> None:
        # Opening a file that is not a page (an uploaded .txt on the bucket) makes Chromium ask
        # that origin for /favicon.ico by itself, whenever it gets to it: not the site's request.
        if str(message.location.get("url", "")).endswith("/favicon.ico"):
            return
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")
        elif message.type == "warning":
            self.warnings.append(message.text)

    def responses_for(self, suffix: str) -> list[Response]:
        """Responses whose URL path ends with suffix (query strings ignored)."""
        return [r for r in self.responses if r.url.split("?")[0].endswith(suffix)]


def font_faces(page: Page) -> dict[str, str]:
    """Each @font-face family on the page and its load status, once pending loads finished."""
    faces: list[dict[str, Any]] = page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts].map((f) => ({family: f.family, status: f.status}));
        }"""
    )
    return {face["family"].strip("\"'"): face["status"] for face in faces}


def computed_style(page: Page, selector: str, prop: str) -> str:
    return str(page.eval_on_selector(selector, "(el, prop) => getComputedStyle(el)[prop]", prop))


def decoded_width(page: Page, selector: str) -> int:
    """The image's natural width once decoded (0 if the browser could not decode it)."""
    return int(
        page.eval_on_selector(
            selector, "async (img) => { await img.decode(); return img.naturalWidth; }"
        )
    )


def upload(page: Page, title: str, filename: str, content: bytes) -> str:
    """Fill the start page's form, submit it and return the absolute URL the new link points to."""
    page.fill("input[name=title]", title)
    # The file's bytes cross Playwright's pipe to the browser: tens of MB take seconds when the
    # machine is loaded, far longer than a click needs.
    page.set_input_files(
        "input[name=file]",
        files=[{"name": filename, "mimeType": "text/plain", "buffer": content}],
        timeout=60_000,
    )
    with page.expect_navigation():
        page.click("form.upload-form button[type=submit]")
    link = page.get_by_role("link", name=title)
    return str(link.evaluate("(a) => a.href"))  # the property is absolute, the attribute not


def screenshot(page: Page, path: Path) -> Path:
    page.screenshot(path=str(path), full_page=True)
    print(f"\nscreenshot: {path}")
    return path
