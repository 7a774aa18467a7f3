"""Turn names as written into ordered CSL-style name objects, and back."""

from __future__ import annotations

import re
from collections.abc import Iterable

Name = dict[str, str]
_SPLIT = re.compile(r"\s*;\s*|\s+and\s+|\s*&\s*")


def parse_names(text: str) -> list[Name]:
    """'Smith, Jane; Doe, John' or 'Jane Smith and John Doe' -> ordered names."""
    parts = [p.strip() for p in _SPLIT.split(text or "") if p.strip()]
    return [parse_name(p) for p in parts]


def parse_name(text: str) -> Name:
    text = " ".join(text.split())
    if "," in text:
        family, given = (s.strip() for s in text.split(",", 1))
        return {"family": family, "given": given} if given else {"family": family}
    words = text.split(" ")
    if len(words) == 1:
        return {"literal": text}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def format_name(name: Name) -> str:
    if "literal" in name:
        return name["literal"]
    given = name.get("given", "")
    return f"{name.get('family', '')}, {given}" if given else name.get("family", "")


def format_names(names: Iterable[Name]) -> str:
    return "; ".join(format_name(n) for n in names)


def clean_names(value: object) -> list[Name]:
    """Accept names as a string, one name dict, or a list of strings/dicts; return name dicts."""
    if value is None:
        return []
    if isinstance(value, str):
        return parse_names(value)
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError(f"{value!r} is not a name or a list of names.")
    result: list[Name] = []
    for item in value:
        if isinstance(item, str):
            if item.strip():
                result.append(parse_name(item))
        elif isinstance(item, dict):
            kept = {k: _part(v) for k, v in item.items() if k in ("family", "given", "literal")}
            if any(kept.values()):
                result.append({k: v for k, v in kept.items() if v})
        else:
            raise ValueError(f"{item!r} is not a name.")
    return result


def _part(value: object) -> str:
    # A missing part arrives as None from JSON; it must not become the text "None".
    return "" if value is None else " ".join(str(value).split())
