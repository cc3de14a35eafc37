"""axe-core (npm, pinned in tests/a11y/package-lock.json, installed by scripts/install-a11y.sh) run inside
a Playwright page: ``axe_violations(page)`` for any browser test that wants an accessibility check."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical"), tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list:
    """The axe-core violations of the page as loaded (dicts: id, impact, help, nodes' targets), of the given
    impacts. The script is evaluated through the DevTools protocol, so a page's Content-Security-Policy
    (which forbids scripts on the resource pages) does not stop it."""
    assert AXE.is_file(), f"{AXE} missing: run `bash scripts/install-a11y.sh` (make test does)"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }""", list(tags))
    return [v for v in result if v["impact"] in impacts]
