"""docs/events.md's table of events is true: every documented event is declared by its
publisher, published by a code path of that context, and subscribed where the docs say; and
every declared or subscribed event is documented (issue 9, item 12)."""
from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from crm import eventbus
from crm.events import Event

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\|\s*`(?P<event>[a-z0-9_.]+)`\s*\|\s*(?P<by>\w+)\s*\|\s*(?P<subs>[^|]*)\|")


def documented() -> dict[str, tuple[str, set[str]]]:
    rows = {}
    section = (ROOT / "docs" / "events.md").read_text().split("## Published events", 1)[1]
    for line in section.splitlines():
        m = ROW.match(line)
        if m:
            rows[m["event"]] = (m["by"], set(re.findall(r"`([\w.]+)`", m["subs"])))
    return rows


DOCUMENTED = documented()


def declared_events() -> dict[str, type[Event]]:
    found = {}
    for path in sorted((ROOT / "contexts").glob("*/events.py")):
        module = importlib.import_module(f"contexts.{path.parent.name}.events")
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, Event) and obj.__module__ == module.__name__ and getattr(obj, "name", ""):
                found[obj.name] = obj
    return found


def publishing_modules(context: str, event_cls: type[Event]) -> list[str]:
    """Modules of the context (not its events.py) that build the event and call eventbus.publish."""
    hits = []
    for path in sorted((ROOT / "contexts" / context).rglob("*.py")):
        if path.name == "events.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        aliases = {a.asname or a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   and node.module == event_cls.__module__ for a in node.names if a.name == event_cls.__name__}
        builds = any(isinstance(n, ast.Call) and (
            (isinstance(n.func, ast.Name) and n.func.id in aliases)
            or (isinstance(n.func, ast.Attribute) and n.func.attr == event_cls.__name__)) for n in ast.walk(tree))
        publishes = any(isinstance(n, ast.Attribute) and n.attr == "publish" and isinstance(n.value, ast.Name)
                        and n.value.id == "eventbus" for n in ast.walk(tree))
        if builds and publishes:
            hits.append(str(path.relative_to(ROOT)))
    return hits


def test_the_table_is_not_empty():
    assert "core.client.created.v1" in DOCUMENTED and len(DOCUMENTED) >= 10


@pytest.mark.parametrize("event_name", sorted(DOCUMENTED))
def test_a_documented_event_is_declared_published_and_subscribed_as_documented(event_name):
    by, subscribers = DOCUMENTED[event_name]
    declared = declared_events()
    assert event_name in declared, f"{event_name} is not declared in any contexts/*/events.py"
    cls = declared[event_name]
    assert cls.__module__ == f"contexts.{by}.events", f"{event_name} is declared in {cls.__module__}, docs say {by}"
    assert publishing_modules(by, cls), f"nothing in contexts/{by}/ publishes {event_name}"
    actual = {s.name for s in eventbus.subscribers_of(event_name) if not s.name.startswith("tests.")}
    assert actual == subscribers, f"{event_name}: subscribed by {sorted(actual)}, docs say {sorted(subscribers)}"


def test_every_declared_or_subscribed_event_is_documented():
    subscribed = {s.event_name for s in eventbus._SUBSCRIBERS.values() if not s.name.startswith("tests.")}
    assert (set(declared_events()) | subscribed) - set(DOCUMENTED) == set()
