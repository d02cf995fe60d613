"""axe-core in the browser tests: the vendored `tests/axe_core/axe.min.js` (axe-core 4.14.1
from npm, MPL-2.0, header kept) is evaluated into a page through the DevTools protocol, which the
page's strict CSP does not govern, so the page under test keeps its real headers."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).parent / "axe_core" / "axe.min.js"
BLOCKING = ("serious", "critical")  # issue 12's bar: no violation at these impacts
# Desktop and phone widths, each in light and dark mode.
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")


@cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Every axe violation on the page as it stands, any impact, WCAG 2.x A/AA rules and
    axe's best practices."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                      summary: (n.failureSummary || '').slice(0, 300)}))}));
    }""")


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line a violation, with up to three of the elements at fault."""
    lines = []
    for v in violations:
        where = "; ".join(n["target"] for n in v["nodes"][:3])
        more = f" (+{len(v['nodes']) - 3} more)" if len(v["nodes"]) > 3 else ""
        lines.append(f"{v['impact']} {v['id']} x{len(v['nodes'])}: {v['help']} at {where}{more}")
    return "\n".join(lines)


def sweep(page: Any, emulate: bool = True) -> dict[str, list[dict[str, Any]]]:
    """Violations at each width and colour scheme, keyed like `phone/dark`; the page is not
    reloaded between them, so a form's state or a streamed turn stays as it was."""
    found = {}
    for width, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            found[f"{width}/{scheme}"] = axe_violations(page)
    return found
