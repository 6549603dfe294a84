"""Message components (legacy rows and components v2) and modals."""

from __future__ import annotations

from typing import Any

from standin.limits.base import (
    ACTION_ROWS,
    BUTTON_LABEL,
    CUSTOM_ID,
    MODAL_COMPONENTS,
    MODAL_TITLE,
    ROW_WIDTH,
    SELECT_OPTIONS,
    SELECT_PLACEHOLDER,
    SELECT_TYPES,
    TEXT_INPUT_LABEL,
    TEXT_INPUT_PLACEHOLDER,
    TEXT_INPUT_VALUE,
    V2_COMPONENTS,
    V2_TEXT,
    V2_TYPES,
    Path,
    Payload,
    Problem,
    check_url,
    length,
    too_long,
)


def check_components(rows: Any, path: Path) -> list[Problem]:
    """Legacy message components: action rows of buttons or one select menu each."""
    if not isinstance(rows, list):
        return [Problem(path, "LIST_TYPE_CONVERT", "Must be an array.")]
    problems: list[Problem] = []
    if len(rows) > ACTION_ROWS:
        problems.append(too_long(path, ACTION_ROWS, len(rows)))
    for index, row in enumerate(rows):
        where = (*path, index)
        if row.get("type") != 1:
            problems.append(
                Problem(
                    (*where, "type"),
                    "COMPONENT_TYPE_INVALID",
                    "Top-level components must be action rows (type 1).",
                )
            )
            continue
        problems += _check_row(row, where)
    problems += _duplicate_ids(rows, path)
    return problems


def _check_row(row: Payload, path: Path) -> list[Problem]:
    children = row.get("components") or []
    problems: list[Problem] = []
    if not children:
        problems.append(
            Problem(
                (*path, "components"),
                "BASE_TYPE_BAD_LENGTH",
                "Action rows need at least one component.",
            )
        )
    if len(children) > ROW_WIDTH:
        problems.append(too_long((*path, "components"), ROW_WIDTH, len(children)))
    selects = [c for c in children if c.get("type") in SELECT_TYPES]
    if selects and len(children) > 1:
        problems.append(
            Problem(
                (*path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "A select menu must be alone in its action row.",
            )
        )
    for index, child in enumerate(children):
        problems += _check_interactive(child, (*path, "components", index))
    return problems


def _check_interactive(component: Payload, path: Path) -> list[Problem]:
    kind = component.get("type")
    if kind == 2:
        return _check_button(component, path)
    if kind in SELECT_TYPES:
        return _check_select(component, path)
    return [
        Problem(
            (*path, "type"), "COMPONENT_TYPE_INVALID", f"Component type {kind} is not allowed here."
        )
    ]


def _check_button(button: Payload, path: Path) -> list[Problem]:
    style = button.get("style")
    problems = length(button.get("label"), (*path, "label"), BUTTON_LABEL)
    if style not in (1, 2, 3, 4, 5, 6):
        problems.append(
            Problem((*path, "style"), "BASE_TYPE_CHOICES", f"Invalid button style {style!r}.")
        )
    if style == 5:
        if not button.get("url"):
            problems.append(
                Problem((*path, "url"), "BASE_TYPE_REQUIRED", "Link buttons need a url.")
            )
        else:
            problems += check_url(button["url"], (*path, "url"))
        if button.get("custom_id"):
            problems.append(
                Problem(
                    (*path, "custom_id"),
                    "COMPONENT_LINK_BUTTON_CUSTOM_ID",
                    "Link buttons cannot have a custom_id.",
                )
            )
    elif style != 6:
        problems += length(button.get("custom_id"), (*path, "custom_id"), CUSTOM_ID, required=True)
        if button.get("url"):
            problems.append(
                Problem(
                    (*path, "url"),
                    "COMPONENT_BUTTON_URL",
                    "Only link buttons (style 5) can have a url.",
                )
            )
    if style != 6 and not button.get("label") and not button.get("emoji"):
        problems.append(
            Problem((*path, "label"), "BASE_TYPE_REQUIRED", "A button needs a label or an emoji.")
        )
    return problems


def _check_select(select: Payload, path: Path) -> list[Problem]:
    problems = length(select.get("custom_id"), (*path, "custom_id"), CUSTOM_ID, required=True)
    problems += length(select.get("placeholder"), (*path, "placeholder"), SELECT_PLACEHOLDER)
    low = select.get("min_values", 1)
    high = select.get("max_values", 1)
    if not 0 <= low <= 25 or not 1 <= high <= 25 or low > high:
        problems.append(
            Problem(
                (*path, "max_values"),
                "BASE_TYPE_BAD_VALUE",
                f"min_values {low} / max_values {high} out of range.",
            )
        )
    if select.get("type") == 3:
        options = select.get("options") or []
        if not options:
            problems.append(
                Problem((*path, "options"), "BASE_TYPE_REQUIRED", "A string select needs options.")
            )
        if len(options) > SELECT_OPTIONS:
            problems.append(too_long((*path, "options"), SELECT_OPTIONS, len(options)))
        if high > max(len(options), 1):
            problems.append(
                Problem(
                    (*path, "max_values"),
                    "BASE_TYPE_BAD_VALUE",
                    "max_values is larger than the number of options.",
                )
            )
        seen: set[str] = set()
        for index, option in enumerate(options):
            where = (*path, "options", index)
            problems += length(option.get("label"), (*where, "label"), 100, required=True)
            problems += length(option.get("value"), (*where, "value"), 100, required=True)
            problems += length(option.get("description"), (*where, "description"), 100)
            if option.get("value") in seen:
                problems.append(
                    Problem(
                        (*where, "value"),
                        "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                        "Option values must be unique.",
                    )
                )
            seen.add(option.get("value"))
    return problems


def walk_components(components: list[Payload]) -> list[Payload]:
    """Every component, depth first (rows, containers, sections and their accessories)."""
    found: list[Payload] = []
    for component in components or []:
        found.append(component)
        found += walk_components(component.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                found += walk_components([component[key]])
    return found


def _duplicate_ids(components: list[Payload], path: Path) -> list[Problem]:
    seen: set[str] = set()
    problems: list[Problem] = []
    for component in walk_components(components):
        custom_id = component.get("custom_id")
        if custom_id is None:
            continue
        if custom_id in seen:
            problems.append(
                Problem(
                    path,
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    f"Component custom id {custom_id!r} is duplicated.",
                )
            )
        seen.add(custom_id)
    return problems


def check_components_v2(components: Any, path: Path) -> list[Problem]:
    """Components v2 (flag 1<<15): at most 40 components and 4000 characters of text."""
    if not isinstance(components, list):
        return [Problem(path, "LIST_TYPE_CONVERT", "Must be an array.")]
    problems: list[Problem] = []
    everything = walk_components(components)
    if len(everything) > V2_COMPONENTS:
        problems.append(too_long(path, V2_COMPONENTS, len(everything)))
    text = sum(len(c.get("content") or "") for c in everything if c.get("type") == 10)
    if text > V2_TEXT:
        problems.append(
            Problem(
                path,
                "BASE_TYPE_MAX_LENGTH",
                f"Text displays may hold {V2_TEXT} characters in all (got {text}).",
            )
        )
    for index, component in enumerate(components):
        if component.get("type") not in V2_TYPES:
            problems.append(
                Problem(
                    (*path, index, "type"),
                    "COMPONENT_TYPE_INVALID",
                    f"Component type {component.get('type')} is not allowed here.",
                )
            )
    for index, component in enumerate(everything):
        if component.get("type") == 1:
            problems += _check_row(component, (*path, "(nested)", index))
    problems += _duplicate_ids(components, path)
    return problems


def check_modal(data: Payload, path: Path = ("data",)) -> list[Problem]:
    """A modal: title 1-45, custom id, 1-5 rows or labels each holding one input."""
    problems = length(data.get("title"), (*path, "title"), MODAL_TITLE, required=True)
    problems += length(data.get("custom_id"), (*path, "custom_id"), CUSTOM_ID, required=True)
    components = data.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS:
        problems.append(
            Problem(
                (*path, "components"),
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {MODAL_COMPONENTS} in length (got {len(components)}).",
            )
        )
    for index, component in enumerate(components):
        where = (*path, "components", index)
        kind = component.get("type")
        if kind == 1:
            children = component.get("components") or []
            if len(children) != 1 or children[0].get("type") != 4:
                problems.append(
                    Problem(
                        where,
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                        "A modal action row holds exactly one text input.",
                    )
                )
                continue
            problems += _check_text_input(children[0], (*where, "components", 0), labelled=False)
        elif kind == 18:
            problems += length(
                component.get("label"), (*where, "label"), TEXT_INPUT_LABEL, required=True
            )
            problems += length(component.get("description"), (*where, "description"), 100)
            inner = component.get("component") or {}
            if inner.get("type") == 4:
                problems += _check_text_input(inner, (*where, "component"), labelled=True)
            elif inner.get("type") in SELECT_TYPES:
                problems += _check_select(inner, (*where, "component"))
            elif inner.get("type") not in (19, 21, 22, 23):
                problems.append(
                    Problem(
                        (*where, "component"),
                        "COMPONENT_TYPE_INVALID",
                        f"Component type {inner.get('type')} is not allowed in a label.",
                    )
                )
        elif kind != 10:
            problems.append(
                Problem(
                    (*where, "type"),
                    "COMPONENT_TYPE_INVALID",
                    f"Component type {kind} is not allowed in a modal.",
                )
            )
    problems += _duplicate_ids(components, (*path, "components"))
    return problems


def _check_text_input(text_input: Payload, path: Path, *, labelled: bool) -> list[Problem]:
    problems = length(text_input.get("custom_id"), (*path, "custom_id"), CUSTOM_ID, required=True)
    problems += length(
        text_input.get("label"), (*path, "label"), TEXT_INPUT_LABEL, required=not labelled
    )
    problems += length(text_input.get("value"), (*path, "value"), TEXT_INPUT_VALUE)
    problems += length(
        text_input.get("placeholder"), (*path, "placeholder"), TEXT_INPUT_PLACEHOLDER
    )
    if text_input.get("style") not in (1, 2):
        problems.append(
            Problem((*path, "style"), "BASE_TYPE_CHOICES", "Text input style must be 1 or 2.")
        )
    low = text_input.get("min_length")
    high = text_input.get("max_length")
    if low is not None and not 0 <= low <= TEXT_INPUT_VALUE:
        problems.append(
            Problem((*path, "min_length"), "NUMBER_TYPE_MAX", "min_length must be 0-4000.")
        )
    if high is not None and not 1 <= high <= TEXT_INPUT_VALUE:
        problems.append(
            Problem((*path, "max_length"), "NUMBER_TYPE_MAX", "max_length must be 1-4000.")
        )
    if low is not None and high is not None and low > high:
        problems.append(
            Problem((*path, "min_length"), "BASE_TYPE_BAD_VALUE", "min_length exceeds max_length.")
        )
    value = text_input.get("value")
    if high is not None and isinstance(value, str) and len(value) > high:
        problems.append(too_long((*path, "value"), high, len(value)))
    return problems
