"""Reading a field's selection set: which nested fields a client asked for.

Used for look-ahead, where one query can bring along what nested fields would otherwise fetch
in a later DataLoader wave. Fragments (named and inline) are looked through.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from strawberry.types.nodes import SelectedField, Selection


def selects(selections: Iterable[Selection], path: Sequence[str]) -> bool:
    """Whether `path` (GraphQL field names, e.g. ("edges", "node", "authors")) is selected."""
    if not path:
        return True
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == path[0] and selects(selection.selections, path[1:]):
                return True
        elif selects(selection.selections, path):  # a fragment spread or an inline fragment
            return True
    return False


def selects_any(fields: Iterable[Selection], paths: Sequence[Sequence[str]]) -> bool:
    """`fields` is `info.selected_fields`: the current field (once per alias or fragment)."""
    return any(selects(field.selections, path) for field in fields for path in paths)


def subfields(fields: Iterable[Selection]) -> Iterator[SelectedField]:
    """The fields selected directly under `fields` (`info.selected_fields`), fragments included.

    Selections turned off by `@skip(if: true)` or `@include(if: false)` are left out, as
    GraphQL execution leaves them out.
    """
    for field in fields:
        for selection in field.selections:
            if not _included(selection):
                continue
            if isinstance(selection, SelectedField):
                yield selection
            else:
                yield from subfields([selection])


def _included(selection: Selection) -> bool:
    directives = selection.directives
    skip, include = directives.get("skip", {}), directives.get("include", {})
    return not skip.get("if", False) and include.get("if", True) is not False
