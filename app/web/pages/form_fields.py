"""A task's JSON Schema form as a tree of page fields.

Scalars: boolean (radio Ja/Nej), enum (radio group, or a select when long; titles from
x-enum-titles), strings (x-widget textarea, format date/email), integer and number. Attachments
(x-widget attachment) are a multiple file input. Groups:

- a list (type array) is a fieldset of rows, each row a fieldset of the item's fields (or one
  input for a list of strings), with "add" and per-row "remove" buttons that work as plain submit
  buttons (`__add=parties`, `__remove=parties[1]`) and in place with app/web/static/forms.js;
- an object with properties is a fieldset of its fields;
- named numbers (`x-keys-from`, app.engine.form_keys) are one number input per name the task's
  data lists, labelled with the name and its unit.

Conditions: a field that `if`/`then` (or `dependentRequired`) makes required only for some answer
says so in its label, and carries `data-when-*` so forms.js can hide it until that answer is given.
A field with x-comment-for is shown right under its boolean criterion. Values: what was posted
(raw), else the prefill (`x-prefill`: what the system knows about the user and the organisation),
else the schema's `default`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.engine.form_keys import NamedNumber, keys_for
from app.engine.form_paths import path_name
from app.web.i18n import translate
from app.web.pages import form_parse as fp

RADIO_LIMIT = 5
INDEX = "__i__"  # the row number in a row template (forms.js replaces it)


@dataclass
class Condition:
    controller: str  # the controlling field's input name
    controller_id: str  # its dom id
    value: str | None  # the answer (as posted) that makes this field needed; None: any answer
    text: str  # "måste fyllas i om du svarar Nej"


@dataclass
class Row:
    name: str  # parties[1]
    dom_id: str
    legend: str
    remove_label: str
    fields: list[Field]
    single: bool  # a list of scalars: one input, no inner legend
    can_remove: bool = True


@dataclass
class Field:
    name: str
    kind: str  # boolean radio select textarea text email date integer number attachment rows object numbers
    label: str
    dom_id: str = ""
    description: str = ""
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    value: str = ""
    error: str = ""
    maxlength: int | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    comments: list[Field] = field(default_factory=list)
    context: str = ""  # a comment field's criterion, so that "Explain why not" says about what
    when: Condition | None = None
    unit: str = ""
    children: list[Field] = field(default_factory=list)  # object and named numbers
    rows: list[Row] = field(default_factory=list)
    template: Row | None = None  # a blank row for forms.js
    item_label: str = ""
    add_label: str = ""
    can_add: bool = False
    min_items: int = 0
    max_items: int | None = None
    autofocus: bool = False
    notice: str = ""  # "En ny rad är tillagd." after a row button without JavaScript
    notice_focus: bool = False  # the notice takes the focus (a row was removed)
    empty_text: str = ""

    def __post_init__(self) -> None:
        if not self.dom_id:
            self.dom_id = dom_id_of([self.name])

    @property
    def required_when_no(self) -> bool:
        return self.when is not None

    @property
    def error_id(self) -> str:
        return f"{self.dom_id}-error"

    @property
    def hint_id(self) -> str:
        return f"{self.dom_id}-hint"

    @property
    def is_group(self) -> bool:
        return self.kind in ("boolean", "radio")

    @property
    def is_fieldset(self) -> bool:
        return self.kind in ("rows", "object", "numbers")

    @property
    def first_input_id(self) -> str:
        """Where the error summary links to: the first radio of a group, a group's first input, or the input."""
        if self.is_group:
            return f"{self.dom_id}-0"
        if self.kind == "rows":
            for row in self.rows:
                if row.fields:
                    return row.fields[0].first_input_id
            return f"{self.dom_id}-add"
        if self.kind in ("object", "numbers") and self.children:
            return self.children[0].first_input_id
        return self.dom_id

    @property
    def described_by(self) -> str:
        ids = [self.hint_id] if self.description else []
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def dom_id_of(steps: list[str | int]) -> str:
    """An id for a place: `f-parties-0-name` (characters outside [A-Za-z0-9_-] become '-')."""
    return "f-" + "-".join(_UNSAFE.sub("-", str(s)) for s in steps)


def text_of(prop: dict[str, Any], key: str, lang: str) -> str:
    if lang != "sv":
        text = (prop.get("x-i18n") or {}).get(lang, {}).get(key)
        if text:
            return str(text)
    return str(prop.get(key) or "")


def enum_options(prop: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    values = [str(v) for v in prop.get("enum", [])]
    titles = prop.get("x-enum-titles", {})
    shown = titles.get(lang) or titles.get("sv") or values
    return [(v, str(shown[i]) if i < len(shown) else v) for i, v in enumerate(values)]


def kind_of(prop: dict[str, Any]) -> str:
    kinds = fp.types_of(prop)
    if fp.is_attachment(prop):
        return "attachment"
    if fp.is_rows(prop):
        return "rows"
    if fp.is_object(prop):
        return "object"
    if fp.is_named_numbers(prop):
        return "numbers"
    if "boolean" in kinds:
        return "boolean"
    if "enum" in prop:
        return "radio" if len(prop["enum"]) <= RADIO_LIMIT else "select"
    for number in ("integer", "number"):
        if number in kinds:
            return number
    if prop.get("x-widget") == "textarea":
        return "textarea"
    if prop.get("format") in ("date", "email"):
        return str(prop["format"])
    return "text"


def ordered_names(schema: dict[str, Any]) -> list[str]:
    props = schema.get("properties") or {}
    order = [n for n in schema.get("x-order", []) if n in props]
    return order + [n for n in props if n not in order]


def as_raw(value: Any) -> str:
    """A value as it sits in an input."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def initial_raw(schema: dict[str, Any], known: dict[str, str]) -> fp.Raw:
    """The values a fresh form starts with: `x-prefill` from what the system knows, else `default`."""
    out: fp.Raw = {}
    _initial(schema, [], known, out)
    return out


def _initial(schema: dict[str, Any], steps: list[str | int], known: dict[str, str], out: fp.Raw) -> None:
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        here: list[str | int] = [*steps, name]
        prefill = prop.get("x-prefill")
        if isinstance(prefill, str) and known.get(prefill):
            out[path_name(here)] = known[prefill]
        elif fp.is_object(prop):
            _initial(prop, here, known, out)
        elif "default" in prop:
            _default(prop["default"], here, prop, out)


def _default(value: Any, steps: list[str | int], prop: dict[str, Any], out: fp.Raw) -> None:
    if isinstance(value, list) and fp.is_rows(prop):
        for i, item in enumerate(value):
            _default(item, [*steps, i], fp.item_schema(prop), out)
    elif isinstance(value, dict):
        for key, item in value.items():
            sub = (prop.get("properties") or {}).get(key) or fp.value_schema(prop)
            _default(item, [*steps, key], sub if isinstance(sub, dict) else {}, out)
    elif not isinstance(value, list):
        out[path_name(steps)] = as_raw(value)


# -- conditions -------------------------------------------------------------------------------

def _clauses(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found = [schema] + [c for c in schema.get("allOf") or [] if isinstance(c, dict)]
    return [c for c in found if isinstance(c.get("if"), dict) and isinstance(c.get("then"), dict)]


def conditions(schema: dict[str, Any], steps: list[str | int], lang: str) -> dict[str, Condition]:
    """Which fields of this object are needed only for some answer of another field, and for which."""
    props = schema.get("properties") or {}
    made: dict[str, Condition] = {}
    for clause in _clauses(schema):
        tests = clause["if"].get("properties") or {}
        if len(tests) != 1:
            continue
        controller, test = next(iter(tests.items()))
        if not isinstance(test, dict) or controller not in props:
            continue
        if "const" in test:
            wanted = test["const"]
        elif isinstance(test.get("enum"), list) and len(test["enum"]) == 1:
            wanted = test["enum"][0]
        else:
            continue
        ctrl = props[controller]
        if isinstance(wanted, bool):
            text = translate("forms.required_when", lang,
                             answer=translate("form.yes" if wanted else "form.no", lang))
        else:
            answer = dict(enum_options(ctrl, lang)).get(str(wanted), str(wanted))
            text = translate("forms.required_when_choice", lang, answer=answer)
        for name in clause["then"].get("required") or []:
            if name in props and name != controller:
                made[name] = Condition(path_name([*steps, controller]), dom_id_of([*steps, controller]),
                                       as_raw(wanted), text)
    for trigger, needed in (schema.get("dependentRequired") or {}).items():
        if trigger not in props or not isinstance(needed, list):
            continue
        other = text_of(props[trigger], "title", lang) or trigger
        for name in needed:
            if name in props and name not in made:
                made[name] = Condition(path_name([*steps, trigger]), dom_id_of([*steps, trigger]), None,
                                       translate("forms.required_because", lang, other=other))
    return made


# -- building ---------------------------------------------------------------------------------

@dataclass
class Build:
    lang: str
    raw: fp.Raw
    errors: dict[str, str]
    files: dict[str, list[dict[str, Any]]]
    context: dict[str, Any]  # the task's data (x-keys-from)
    focus: str | None = None  # the row just added (its first input gets autofocus)
    notice: tuple[str, str] | None = None  # (list name, text) after a row button

    def value(self, name: str) -> str:
        return self.raw.get(name, "")


def build_object(b: Build, schema: dict[str, Any], steps: list[str | int]) -> list[Field]:
    """The fields of an object, in order, comment fields nested under their criterion."""
    props = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    when = conditions(schema, steps, b.lang)
    made: dict[str, Field] = {}
    for name in ordered_names(schema):
        prop = props[name]
        if not isinstance(prop, dict):
            continue
        item = build_field(b, prop, [*steps, name], name in required)
        item.when = when.get(name)
        made[name] = item
    top: list[Field] = []
    for name, item in made.items():
        owner = props[name].get("x-comment-for")
        if owner in made and made[owner].kind == "boolean":
            item.context = made[owner].label
            if item.when is None:  # a comment explains a "no" even where the schema does not require it
                item.when = Condition(made[owner].name, made[owner].dom_id, "false", translate(
                    "forms.required_when", b.lang, answer=translate("form.no", b.lang)))
            made[owner].comments.append(item)
        else:
            top.append(item)
    return top


def build_field(b: Build, prop: dict[str, Any], steps: list[str | int], required: bool,
                label: str | None = None) -> Field:
    kind = kind_of(prop)
    name = path_name(steps)
    options = [("true", translate("form.yes", b.lang)), ("false", translate("form.no", b.lang))] \
        if kind == "boolean" else enum_options(prop, b.lang)
    item = Field(name=name, kind=kind, label=label or text_of(prop, "title", b.lang) or str(steps[-1]),
                 dom_id=dom_id_of(steps), description=text_of(prop, "description", b.lang), required=required,
                 options=options, value=b.value(name), error=b.errors.get(name, ""),
                 maxlength=prop.get("maxLength"), files=b.files.get(name, []) if len(steps) == 1 else [])
    if kind == "rows":
        _rows(b, item, prop, steps)
    elif kind == "object":
        item.children = build_object(b, prop, steps)
    elif kind == "numbers":
        _numbers(b, item, prop, steps)
    return item


def _rows(b: Build, item: Field, prop: dict[str, Any], steps: list[str | int]) -> None:
    items = fp.item_schema(prop)
    item.item_label = text_of(items, "title", b.lang) or translate("forms.row_default", b.lang)
    item.add_label = translate("forms.add_row", b.lang, item=item.item_label)
    item.min_items = int(prop.get("minItems") or 0)
    limit = prop.get("maxItems")
    item.max_items = limit if isinstance(limit, int) else None
    item.empty_text = translate("forms.no_rows", b.lang)
    count = fp.row_count(b.raw, [str(s) for s in steps], prop)
    item.rows = [_row(b, item, items, steps, i) for i in range(count)]
    item.can_add = item.max_items is None or count < item.max_items
    for row in item.rows:
        row.can_remove = count > item.min_items
    item.template = _row(Build(b.lang, {}, {}, {}, b.context), item, items, steps, INDEX)
    if b.notice and b.notice[0] == item.name:
        item.notice = b.notice[1]
        item.notice_focus = b.focus is None


def _row(b: Build, owner: Field, items: dict[str, Any], steps: list[str | int], index: int | str) -> Row:
    here: list[str | int] = [*steps, index]
    number = index + 1 if isinstance(index, int) else "__n__"
    legend = translate("forms.row", b.lang, item=owner.item_label, number=number)
    legend = legend[:1].upper() + legend[1:]
    remove = translate("forms.remove_row", b.lang, item=owner.item_label, number=number)
    if fp.is_object(items):
        fields = build_object(b, items, here)
        single = False
    else:
        fields = [build_field(b, items, here, False, label=legend)]
        single = True
    name = path_name(here)
    if b.focus == name and fields:
        first = fields[0]
        while first.is_fieldset and (first.children or first.rows):
            first = first.children[0] if first.children else first.rows[0].fields[0]
        first.autofocus = True
    return Row(name=name, dom_id=dom_id_of(here), legend=legend, remove_label=remove, fields=fields, single=single)


def _numbers(b: Build, item: Field, prop: dict[str, Any], steps: list[str | int]) -> None:
    each = fp.value_schema(prop)
    named = keys_for(prop, b.context)
    if named is None:  # the data names nothing: show what was posted, if anything
        node = fp.node_at(fp.tree(b.raw), [str(s) for s in steps])
        named = [NamedNumber(str(k)) for k in node] if isinstance(node, dict) else []
    for i, number in enumerate(named):
        here: list[str | int] = [*steps, number.label]
        child = build_field(b, each, here, True, label=number.label)
        child.dom_id = dom_id_of([*steps, i])
        child.unit = number.unit
        child.kind = child.kind if child.kind in ("integer", "number") else "number"
        item.children.append(child)
    item.empty_text = translate("forms.named_numbers_none", b.lang)


def flat(fields: list[Field]) -> list[Field]:
    """Every field, groups and their insides, comment fields, in page order (for the error summary)."""
    out: list[Field] = []
    for item in fields:
        out.append(item)
        for row in item.rows:
            out.extend(flat(row.fields))
        out.extend(flat(item.children))
        out.extend(flat(item.comments))
    return out
