"""A page driver that knows only what a person sees: label and legend texts, link and button texts.

`Person` is one user in their own browser context (their own cookies), logged in through the log-in
page. `fill` takes a dictionary from the visible label (or legend) text to a value and finds the
control the way a person would:

- a text, number, date or e-mail box, or a text area: the value is typed;
- a drop-down list: the option with that visible text is chosen;
- a group of radio buttons (a fieldset whose legend is the key): the option with that visible text is
  clicked, e.g. ``{"Kommunstyrelsen går in i överenskommelsen": "Ja"}``;
- a check box: ticked for a true value, cleared for a false one;
- a file picker: the value is a path or a list of paths;
- a group (fieldset) holding other fields: the value is a dictionary filled inside that group
  (named numbers, nested objects);
- a list of rows (a group with an "add" button): the value is a list; each item is a dictionary for
  one row (or a plain value for a row with a single field); rows are added with the group's button
  whose text starts with "Lägg till".

Label matching ignores case and the "(måste fyllas i)" style markers: an exact match wins, else the one
label that starts with the key. Visually hidden text (for screen readers only) is not part of the
visible text. Every page the person lands on can be checked (axe-core) through `check`, and fails the
walk if it shows a catalogue key (`answers.statistic`) instead of a text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.catalogue_keys import shown_keys

ADD_ROW = re.compile(r"^\s*Lägg till", re.I)

# The visible text of an element: text of descendants that take up space (not display:none, not the
# 1x1 pixel clip of screen-reader-only text), whitespace collapsed.
_VISIBLE_TEXT = """(el) => {
  const parts = [];
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) { parts.push(child.textContent); continue; }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const style = getComputedStyle(child);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const box = child.getBoundingClientRect();
      if (style.position === 'absolute' && box.width <= 1 && box.height <= 1) continue;
      if (['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(child.tagName)) continue;
      walk(child);
    }
  };
  walk(el);
  return parts.join('').replace(/\\s+/g, ' ').trim();
}"""

# The label and legend texts inside a scope, each with how to reach its control. A legend names its
# fieldset; a label names the control it is for. Controls inside nested fieldsets of the scope are
# reached through those fieldsets, so only the scope's own level is listed.
_CONTROLS = """(scope) => {
  const visible = VISIBLE_TEXT;
  const out = [];
  const own = (el) => {
    let p = el.parentElement;
    while (p && p !== scope) { if (p.tagName === 'FIELDSET') return false; p = p.parentElement; }
    return true;
  };
  const shown = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  scope.querySelectorAll('fieldset').forEach((fs, i) => {
    if (!own(fs) || !shown(fs)) return;
    const legend = fs.querySelector(':scope > legend');
    if (!legend) return;
    fs.setAttribute('data-walker', 'fs-' + Math.random().toString(36).slice(2));
    out.push({text: visible(legend), kind: 'group', ref: fs.getAttribute('data-walker')});
  });
  scope.querySelectorAll('label').forEach((label) => {
    if (!own(label)) return;
    const control = label.control;
    if (!control || !shown(control)) return;
    control.setAttribute('data-walker', 'c-' + Math.random().toString(36).slice(2));
    const kind = control.tagName === 'SELECT' ? 'select' : control.tagName === 'TEXTAREA' ? 'text'
      : (control.type === 'checkbox' ? 'checkbox' : control.type === 'radio' ? 'radio'
      : control.type === 'file' ? 'file' : 'text');
    out.push({text: visible(label), kind: kind, ref: control.getAttribute('data-walker')});
  });
  return out;
}""".replace("VISIBLE_TEXT", _VISIBLE_TEXT)

_MARKER = re.compile(r"\s*\((måste fyllas i[^)]*|obligatorisk[^)]*|frivillig[^)]*|valfri[^)]*)\)\s*", re.I)


def _norm(text: str) -> str:
    return " ".join(_MARKER.sub(" ", text).split()).casefold()


class WalkError(AssertionError):
    pass


class Person:
    """One user in their own browser context; every page they land on goes through `check`."""

    def __init__(self, browser: Any, base_url: str, username: str, password: str,
                 check: Callable[[Any, str], Any] | None = None, prefix: str = "",
                 javascript: bool = True) -> None:
        self.username = username
        self.prefix = prefix  # names this walk's screenshots apart from another's
        self.password = password
        self.javascript = javascript  # False: the page's own scripts are off, every form posts to the server
        self.browser, self.base_url = browser, base_url
        self._copy: Any = None
        self.context = browser.new_context(base_url=base_url, viewport={"width": 1100, "height": 900},
                                           locale="sv-SE", timezone_id="Europe/Stockholm",
                                           java_script_enabled=javascript)
        self.context.set_default_timeout(15000)
        self.page = self.context.new_page()
        self.check = check
        self.seen: list[str] = []

    # -- pages ---------------------------------------------------------------------------------
    def look(self, what: str) -> str:
        """Check the page now shown (axe, screenshot) under the name `<username>-<what>`; its main text."""
        self._settle()
        name = f"{self.prefix}{len(self.seen) + 1:02d}-{self.username}-{what}"
        self.seen.append(name)
        if self.check is not None:
            self.check(self.page if self.javascript else self._copy_with_scripts(), name)
        keys = shown_keys(self.page.title() + "\n" + self.page.locator("body").inner_text())
        if keys:
            raise WalkError(f"{self.username}: {self.page.url} shows catalogue keys instead of text: {keys}")
        return self.main_text()

    def _copy_with_scripts(self) -> Any:
        """axe-core needs scripts (it awaits timers), which this browser does not run: the page as shown
        (its HTML, the page's own scripts taken out) in a second browser on the same site that runs them."""
        if self._copy is None:
            self._copy = self.browser.new_context(base_url=self.base_url, viewport={"width": 1100, "height": 900},
                                                  locale="sv-SE").new_page()
            self._copy.goto("/login")  # same origin: the page's style sheets load as in the original
        html = re.sub(r"<script\b.*?</script>", "", self.page.content(), flags=re.S | re.I)
        self._copy.set_content(html)
        return self._copy

    def _settle(self) -> None:
        """Wait for what a script draws after the page loads: the case page's diagram (bpmn-js reports
        in #viewer-status when it has drawn it, or failed to)."""
        if self.javascript and self.page.locator("#case-viewer").count():
            self.page.wait_for_function(
                "() => (document.getElementById('viewer-status') || {}).textContent")

    def main_text(self) -> str:
        return " ".join(self.page.locator("main").inner_text().split())

    def goto(self, path: str, what: str) -> str:
        response = self.page.goto(path)
        if response is not None and response.status >= 400:
            raise WalkError(f"{self.username}: {path} answered {response.status}: {self.main_text()[:300]}")
        return self.look(what)

    def log_in(self) -> None:
        self.page.goto("/login")
        self.look("login")
        self.fill({"Användarnamn": self.username, "Lösenord": self.password})
        self.click("Logga in")
        self.page.get_by_text("Logga ut").first.wait_for()

    def click(self, text: str, *, within: Any = None) -> None:
        """Press the button with this visible text and wait for the page it leads to."""
        scope = within or self.page
        button = scope.get_by_role("button", name=text, exact=True)
        if button.count() != 1:
            raise WalkError(f"{self.username}: {button.count()} buttons named {text!r} on {self.page.url}")
        with self.page.expect_navigation():
            button.click()

    def follow(self, text: str, what: str | None = None, *, exact: bool = True) -> str:
        """Follow the (first) link with this visible text; check the page it leads to."""
        link = self.page.get_by_role("link", name=text, exact=exact)
        if link.count() == 0:
            raise WalkError(f"{self.username}: no link {text!r} on {self.page.url}:\n{self.main_text()[:1500]}")
        link.first.click()
        self.page.wait_for_load_state()
        return self.look(what or re.sub(r"\W+", "-", text.casefold())[:40])

    def open_task(self, title: str) -> str:
        """From "Mina uppgifter", open the task with this title."""
        self.page.get_by_role("navigation").get_by_role("link", name="Mina uppgifter").click()
        self.page.wait_for_load_state()
        self.look("inbox")
        text = self.follow(title, "task-" + re.sub(r"\W+", "-", title.casefold())[:40], exact=True)
        self.page.get_by_role("heading", level=1, name=title).wait_for()
        return text

    def submit(self, button: str = "Skicka", what: str = "sent") -> str:
        """Send the form; fail with the page's error summary if the page refuses it."""
        self.click(button)
        summary = self.page.locator("[role=alert]")
        if summary.count() and summary.first.is_visible():
            raise WalkError(f"{self.username}: the page refused the form on {self.page.url}:\n"
                            f"{summary.first.inner_text()}")
        return self.look(what)

    def do_task(self, title: str, answers: dict[str, Any], button: str = "Skicka") -> str:
        self.open_task(title)
        self.fill(answers)
        return self.submit(button, "sent-" + re.sub(r"\W+", "-", title.casefold())[:30])

    # -- forms ---------------------------------------------------------------------------------
    def fill(self, answers: dict[str, Any], scope: Any = None) -> None:
        root = scope if scope is not None else self.page.locator("main")
        for key, value in answers.items():
            self._fill_one(root, key, value)

    def value(self, key: str, scope: Any = None) -> str:
        """What the field with this label holds now (e.g. what the page filled in beforehand)."""
        found = self._find(scope if scope is not None else self.page.locator("main"), key)
        value: str = self.page.locator(f'[data-walker="{found["ref"]}"]').input_value()
        return value

    def _controls(self, scope: Any) -> list[dict[str, str]]:
        found: list[dict[str, str]] = scope.evaluate(_CONTROLS)
        return found

    def _find(self, scope: Any, key: str) -> dict[str, str]:
        controls = self._controls(scope)
        wanted = _norm(key)
        exact = [c for c in controls if _norm(c["text"]) == wanted]
        starting = [c for c in controls if _norm(c["text"]).startswith(wanted)]
        for matches in (exact, starting):
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1 and len({m["kind"] for m in matches}) == 1 and matches[0]["kind"] == "radio":
                return matches[0]
            if len(matches) > 1:
                raise WalkError(f"{key!r} names {len(matches)} fields: {[m['text'] for m in matches]}")
        raise WalkError(f"{self.username}: no field labelled {key!r} on {self.page.url}; the labels are "
                        f"{[c['text'] for c in controls]}")

    def _fill_one(self, scope: Any, key: str, value: Any) -> None:
        found = self._find(scope, key)
        target = self.page.locator(f'[data-walker="{found["ref"]}"]')
        kind = found["kind"]
        if kind == "group":
            self._fill_group(scope, target, key, value)
        elif kind == "select":
            target.select_option(label=str(value))
        elif kind == "checkbox":
            target.set_checked(bool(value))
        elif kind == "radio":
            target.check()
        elif kind == "file":
            files = value if isinstance(value, list) else [value]
            if not all(isinstance(f, str | Path) for f in files):
                raise WalkError(f"{self.username}: {key!r} is a file picker on {self.page.url}, "
                                f"but the walk has {type(value).__name__} data for it")
            target.set_input_files([str(Path(f)) for f in files])
        else:
            target.fill(str(value))

    def _fill_group(self, scope: Any, group: Any, key: str, value: Any) -> None:
        if isinstance(value, dict):
            self.fill(value, group)
        elif isinstance(value, list):
            self._fill_rows(scope, key, value)
        else:  # radio buttons: the option with this visible text
            self._choose(group, key, str(value))

    def _choose(self, group: Any, key: str, option: str) -> None:
        labels = group.locator("label")
        for i in range(labels.count()):
            label = labels.nth(i)
            if _norm(label.evaluate(_VISIBLE_TEXT)) == _norm(option):
                label.click()
                return
        raise WalkError(f"{key!r} has no option {option!r}")

    def _rows(self, group: Any) -> Any:
        return group.locator(":scope > fieldset, :scope > * > fieldset, :scope [role=group]").filter(
            has=self.page.locator("input, select, textarea"))

    def _group(self, scope: Any, key: str) -> Any:
        return self.page.locator(f'[data-walker="{self._find(scope, key)["ref"]}"]')

    def _fill_rows(self, scope: Any, key: str, items: list[Any]) -> None:
        """A list of rows: add rows with the group's "Lägg till …" button until there are enough (the
        button may reload the page, without JavaScript, or add the row in place)."""
        for _ in range(len(items) + 1):
            group = self._group(scope, key)
            if self._rows(group).count() >= len(items):
                break
            add = group.get_by_role("button", name=ADD_ROW)
            if add.count() == 0:
                raise WalkError(f"{key!r}: no 'Lägg till' button for another row")
            self.page.evaluate("() => { window.__walkerMark = true; }")
            add.first.click()
            self.page.wait_for_load_state()
            if not self.page.evaluate("() => window.__walkerMark === true"):
                # the server added the row (no script): a new page, checked like every other
                self.look("rows-" + re.sub(r"\W+", "-", key.casefold())[:30])
        group = self._group(scope, key)
        rows = self._rows(group)
        if rows.count() < len(items):
            raise WalkError(f"{key!r}: {rows.count()} rows after adding, {len(items)} wanted")
        for i, item in enumerate(items):
            row = rows.nth(i)
            if isinstance(item, dict):
                self.fill(item, row)
            else:  # a row with one field
                row.locator("input, textarea").first.fill(str(item))

    def close(self) -> None:
        if self._copy is not None:
            self._copy.context.close()
        self.context.close()
