"""Steps shared by the browser tests of issue 20: choosing in the one picker
(isms.widgets.Picker), and the checks every page of a journey must pass (no horizontal
overflow, no raw JSON shown, no console error), with a screenshot of each step that fails
(of every step when ISMS_SCREENSHOTS names a folder)."""

import os
import re
from pathlib import Path

from playwright.sync_api import expect

# A full-page screenshot costs Chromium more than the checks: kept for every step only
# on request (ISMS_SCREENSHOTS=<folder>), otherwise for the steps that fail.
EVERY_STEP = bool(os.environ.get("ISMS_SCREENSHOTS"))
SHOTS = Path(os.environ.get("ISMS_SCREENSHOTS") or "var/screenshots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def pick(page, label: str, text: str, *, option: str | None = None):
    """Type `text` into the picker labelled `label` and choose the option showing
    `option` (default: `text`); the choice becomes a chip."""
    control = page.get_by_role("combobox", name=label)
    control.click()
    control.fill(text)
    choice = page.locator(".ts-dropdown .option").filter(has_text=option or text).first
    # A search asks the API: give a busy machine time (2 cores shared in CI).
    choice.click(timeout=45_000)
    # Done with this picker: close its list (which stays open for more choices) with
    # Escape, as a user does, so it no longer covers the fields below it. A search answer
    # that arrives after the choice opens the list again (Tom Select refreshes its
    # options with the list open while the field has focus): press Escape again then,
    # as a user would.
    dropdown = page.locator(".ts-dropdown:visible")
    for _ in range(3):
        page.keyboard.press("Escape")
        try:
            expect(dropdown).to_have_count(0, timeout=3_000)
            break
        except AssertionError:
            continue
    expect(dropdown).to_have_count(0)
    return control


def chips(page, name: str):
    """The chips of the picker whose <select> is named `name`."""
    return page.locator(f"select[name='{name}'] + .ts-wrapper .item")


# Looks like a serialised object or list: `{"key":` or `[{"`.
RAW_JSON = re.compile(r'\{\s*"[a-z_]+"\s*:|\[\s*\{\s*"')


# The outermost elements that stick out of the page on the right: what makes it scroll.
WIDER_THAN_PAGE = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  // An absolutely positioned element escapes a scroll box that is not its containing block.
  const sticksOut = e => e.getBoundingClientRect().right > limit
    && (!clipped(e) || getComputedStyle(e).position === 'absolute');
  const out = [...document.querySelectorAll('body *')].filter(e =>
    sticksOut(e) && !(e.parentElement && sticksOut(e.parentElement)));
  const classes = e => (e.className ? '.' + String(e.className).split(' ').join('.') : '');
  return out.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + classes(e));
}"""


def check_page(page, name: str) -> None:
    """The page fits its viewport (no horizontal scroll), shows no raw JSON and logged
    no console error; a screenshot of the page is kept under var/screenshots/ when it
    does not (and for every step with ISMS_SCREENSHOTS)."""
    width = page.viewport_size["width"]
    try:
        _check_page(page, name, width)
    except AssertionError:
        _screenshot(page, name, width)
        raise
    if EVERY_STEP:
        _screenshot(page, name, width)


def _screenshot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def _check_page(page, name: str, width: int) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 1:
        culprits = page.evaluate(WIDER_THAN_PAGE)
        raise AssertionError(f"{name} at {width}px scrolls sideways by {overflow}px: {culprits}")
    text = page.locator("main, #main, body").first.inner_text()
    found = RAW_JSON.search(text)
    assert found is None, f"{name} shows raw JSON: {text[found.start() : found.start() + 80]!r}"
    assert page.console_errors == [], page.console_errors


def expect_no_clipping(locator) -> None:
    """The element's text is not cut off (its content is as wide as its box)."""
    expect(locator).to_be_visible()
    scroll, client, html = locator.evaluate(
        "e => [e.scrollWidth, e.clientWidth, e.outerHTML.slice(0, 200)]"
    )
    assert scroll <= client + 1, f"clipped ({scroll}px of text in {client}px): {html}"
