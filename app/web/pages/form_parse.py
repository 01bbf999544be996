"""Posted form fields back into typed, nested task data, and the no-JavaScript row buttons.

Inputs are named by place (app.engine.form_paths): `parties[0][name]`, `statistics[1]`,
`statistics_values[unika besökare]`. What was posted is kept as a flat dict name -> text ("raw"),
the same shape the page is rendered from; `tree` turns it into nested dicts keyed by step, and
`parse` walks the schema over that tree, typing integers, numbers and booleans per schema.

Rows left completely empty are dropped on submit, and the rows after them renumbered (`compact`),
so that the validator's messages (keyed by the data's row numbers) land on the rows shown again.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from app.engine.form_paths import path_name, split_name

Raw = dict[str, str]
ADD = "__add"
REMOVE = "__remove"
ACTION_KEYS = (ADD, REMOVE)


def types_of(prop: dict[str, Any]) -> list[str]:
    kind = prop.get("type")
    if isinstance(kind, list):
        return [str(k) for k in kind]
    return [str(kind)] if kind else []


def is_attachment(prop: dict[str, Any]) -> bool:
    return prop.get("x-widget") == "attachment"


def is_rows(prop: dict[str, Any]) -> bool:
    return "array" in types_of(prop) and not is_attachment(prop)


def is_object(prop: dict[str, Any]) -> bool:
    """An object with its own properties (a nested group, or a row of a list)."""
    return isinstance(prop.get("properties"), dict) and ("object" in types_of(prop) or not types_of(prop))


def is_named_numbers(prop: dict[str, Any]) -> bool:
    return "x-keys-from" in prop and not prop.get("properties")


def item_schema(prop: dict[str, Any]) -> dict[str, Any]:
    items = prop.get("items")
    return items if isinstance(items, dict) else {}


def value_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """The schema of each value of a named-numbers object."""
    extra = prop.get("additionalProperties")
    return extra if isinstance(extra, dict) else {"type": "number"}


def raw_values(form: MultiDict[str, str]) -> Raw:
    """What the user typed, as strings, by input name (the CSRF token and row buttons aside)."""
    return {name: form.get(name, "") for name in form
            if name != "csrf_token" and name not in ACTION_KEYS and not name.endswith("__keep")}


# -- the nested view of the raw fields --------------------------------------------------------

def tree(raw: Raw) -> dict[str, Any]:
    """Raw fields as nested dicts keyed by step; a name that is not a place is left out."""
    root: dict[str, Any] = {}
    for name, value in raw.items():
        steps = split_name(name)
        if not steps:
            continue
        node = root
        for step in steps[:-1]:
            child = node.get(step)
            if not isinstance(child, dict):
                child = node[step] = {}
            node = child
        if not isinstance(node.get(steps[-1]), dict):
            node[steps[-1]] = value
    return root


def row_keys(node: Any) -> list[str]:
    """The row numbers present under a list's node, in order."""
    if not isinstance(node, dict):
        return []
    return sorted((k for k in node if k.isdigit() and len(k) < 6), key=int)


def flatten(node: Any, steps: list[str | int], out: Raw) -> Raw:
    if isinstance(node, dict):
        for key, child in node.items():
            flatten(child, [*steps, key], out)
    elif steps:
        out[path_name(steps)] = str(node)
    return out


def node_at(root: dict[str, Any], steps: list[str]) -> Any:
    node: Any = root
    for step in steps:
        if not isinstance(node, dict):
            return None
        node = node.get(step)
    return node


# -- typing -----------------------------------------------------------------------------------

def typed(value: str, prop: dict[str, Any]) -> Any:
    kinds = types_of(prop)
    if "boolean" in kinds:
        return {"true": True, "false": False}.get(value, value)
    if "integer" in kinds:
        try:
            return int(value.replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            return value  # the schema check names the field
    if "number" in kinds:
        try:
            number = float(value.replace(" ", "").replace("\u00a0", "").replace(",", "."))
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value and "," not in value else number
    return value


def _scalar(node: Any, prop: dict[str, Any]) -> tuple[bool, Any]:
    if not isinstance(node, str):
        return False, None
    value = node if prop.get("x-widget") == "textarea" else node.strip()
    if value.strip() == "":
        return False, None
    return True, typed(value, prop)


def parse_node(node: Any, prop: dict[str, Any]) -> tuple[bool, Any]:
    """(present, typed value) of one place; empty text, empty rows and empty groups are absent."""
    if is_attachment(prop):
        return False, None
    if is_rows(prop):
        items = item_schema(prop)
        rows = []
        for key in row_keys(node):
            present, value = parse_node(node[key], items)
            if present:
                rows.append(value)
        return bool(rows), rows
    if is_object(prop):
        if not isinstance(node, dict):
            return False, None
        data = parse_object(node, prop)
        return bool(data), data
    if is_named_numbers(prop):
        if not isinstance(node, dict):
            return False, None
        each = value_schema(prop)
        numbers = {}
        for key, child in node.items():
            present, value = _scalar(child, each)
            if present:
                numbers[key] = value
        return bool(numbers), numbers
    return _scalar(node, prop)


def parse_object(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        present, value = parse_node(node.get(name), prop)
        if present:
            data[name] = value
    return data


def parse(schema: dict[str, Any], raw: Raw) -> dict[str, Any]:
    """Typed task data from the raw fields (attachments aside)."""
    return parse_object(tree(raw), schema)


# -- rows: compacting, adding, removing -------------------------------------------------------

def _compact_node(node: Any, prop: dict[str, Any]) -> Any:
    if is_rows(prop) and isinstance(node, dict):
        items = item_schema(prop)
        kept = [_compact_node(node[k], items) for k in row_keys(node) if parse_node(node[k], items)[0]]
        return {str(i): row for i, row in enumerate(kept)}
    if is_object(prop) and isinstance(node, dict):
        return _compact_object(node, prop)
    return node


def _compact_object(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    props = schema.get("properties") or {}
    return {key: (_compact_node(child, props[key]) if isinstance(props.get(key), dict) else child)
            for key, child in node.items()}


def compact(schema: dict[str, Any], raw: Raw) -> Raw:
    """The raw fields with completely empty rows dropped and the later rows renumbered."""
    return flatten(_compact_object(tree(raw), schema), [], {})


def schema_at(schema: dict[str, Any], steps: list[str]) -> dict[str, Any] | None:
    """The schema of a place given as steps (row numbers as digit strings)."""
    current: dict[str, Any] = schema
    for step in steps:
        if is_rows(current) and step.isdigit():
            current = item_schema(current)
        else:
            child = (current.get("properties") or {}).get(step)
            if not isinstance(child, dict):
                return None
            current = child
    return current


def row_count(raw: Raw, steps: list[str], prop: dict[str, Any]) -> int:
    """Rows shown for a list: what was posted, and at least minItems."""
    keys = row_keys(node_at(tree(raw), steps))
    found = int(keys[-1]) + 1 if keys else 0
    return max(found, int(prop.get("minItems") or 0))


def add_row(schema: dict[str, Any], raw: Raw, name: str) -> tuple[Raw, str | None]:
    """The raw fields with one more (empty) row in the list `name`; and the new row's name.

    Nothing changes (None) when `name` is no list of the form or the list is full."""
    steps = split_name(name)
    prop = schema_at(schema, steps) if steps else None
    if not steps or prop is None or not is_rows(prop):
        return raw, None
    count = row_count(raw, steps, prop)
    limit = prop.get("maxItems")
    if isinstance(limit, int) and count >= limit:
        return raw, None
    row: list[str | int] = [*steps, count]
    out = dict(raw)
    items = item_schema(prop)
    if is_object(items):  # the row's places exist (empty), so it is counted and shown
        for key in items.get("properties") or {}:
            out.setdefault(path_name([*row, key]), "")
    else:
        out.setdefault(path_name(row), "")
    return out, path_name(row)


def remove_row(schema: dict[str, Any], raw: Raw, name: str) -> tuple[Raw, bool]:
    """The raw fields without the row `name` (`parties[1]`), later rows renumbered."""
    steps = split_name(name)
    if not steps or len(steps) < 2 or not steps[-1].isdigit():
        return raw, False
    prop = schema_at(schema, steps[:-1])
    if prop is None or not is_rows(prop):
        return raw, False
    root = tree(raw)
    node = node_at(root, steps[:-1])
    keys = row_keys(node)
    if steps[-1] not in keys or len(keys) <= int(prop.get("minItems") or 0):
        return raw, False
    kept = [node[k] for k in keys if k != steps[-1]]
    parent = node_at(root, steps[:-2]) if len(steps) > 2 else root
    if not isinstance(parent, dict):
        return raw, False
    parent[steps[-2]] = {str(i): row for i, row in enumerate(kept)}
    return flatten(root, [], {}), True
