"""Headless Debian Chromium driven by Playwright, shared by every browser test: no browser download,
and every request that is not local (file:// or 127.0.0.1) refused and recorded."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def launch(playwright):
    assert Path(CHROMIUM).exists(), "Chromium missing: run scripts/install-chromium.sh (make test does)"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost")


def offline_page(browser, viewport=(1400, 900)):
    """A page that may load local URLs only; returns (page, blocked, errors)."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    blocked, errors = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if _local(r.request.url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page, blocked, errors
