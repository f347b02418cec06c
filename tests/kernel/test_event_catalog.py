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
PATTERN_ROW = re.compile(r"^\|\s*`(?P<pattern>[a-z0-9_]+\.\*)`\s*\|\s*(?P<subs>[^|]*)\|")


def documented_patterns() -> dict[str, set[str]]:
    """The table of "Every event of a context": `<context>.*` and its subscribers."""
    section = (ROOT / "docs" / "events.md").read_text().split("## Every event of a context", 1)[1]
    section = section.split("\n## ", 1)[0]
    return {m["pattern"]: set(re.findall(r"`([\w.]+)`", m["subs"]))
            for m in map(PATTERN_ROW.match, section.splitlines()) if m}


PATTERNS = documented_patterns()


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
    actual = {s.name for s in eventbus.subscribers_of(event_name)
              if not s.name.startswith("tests.") and not eventbus.is_pattern(s.event_name)}
    assert actual == subscribers, f"{event_name}: subscribed by {sorted(actual)}, docs say {sorted(subscribers)}"


def test_every_declared_or_subscribed_event_is_documented():
    subscribed = {s.event_name for s in eventbus._SUBSCRIBERS.values() if not s.name.startswith("tests.")}
    assert (set(declared_events()) | subscribed) - set(DOCUMENTED) - set(PATTERNS) == set()


def test_a_pattern_covers_the_events_of_one_context():
    """`core.*` reaches every event of core and nothing else: the webhook relay hears all business events."""
    assert PATTERNS, "docs/events.md lists no subscription to every event of a context"
    declared = declared_events()
    for pattern, subscribers in PATTERNS.items():
        context = pattern[:-2]
        for event_name in declared:
            names = {s.name for s in eventbus.subscribers_of(event_name)}
            assert (subscribers <= names) == event_name.startswith(context + "."), (pattern, event_name)


def test_the_table_in_code_is_the_table_in_the_docs_and_what_is_registered():
    """config/events.py is the one table of subscribers; the docs list the same, and nothing
    registers a subscriber of a context anywhere else (a decorator in a handlers.py)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    table = import_string(settings.EVENT_SUBSCRIPTIONS)
    in_code = {(event, name) for event, rows in table.items() for name, _, _ in rows}
    in_docs = {(event, name) for event, (_, subs) in DOCUMENTED.items() for name in subs}
    in_docs |= {(pattern, name) for pattern, subs in PATTERNS.items() for name in subs}
    registered = {(s.event_name, s.name) for s in eventbus._SUBSCRIBERS.values() if not s.name.startswith("tests.")}
    assert in_code == in_docs == registered
    for event, rows in table.items():
        for name, handler, _ in rows:
            module = handler.rsplit(".", 1)[0]  # the context's handlers.py, or a sub-package's
            assert module.startswith(f"contexts.{name.split('.')[0]}.") and module.endswith(".handlers"), \
                f"{name} is not its context's handler"


def _layer_ranks() -> dict[str, int]:
    """The contexts' layers, from the context-direction contract of .importlinter (top first)."""
    text = (ROOT / ".importlinter").read_text().split("[importlinter:contract:context-direction]", 1)[1]
    layers = text.split("layers =", 1)[1].split("\n\n", 1)[0].split("exhaustive", 1)[0]
    rows = [line.strip() for line in layers.splitlines() if line.strip()]
    return {name.strip(): len(rows) - i for i, row in enumerate(rows) for name in re.split(r"[:|]", row)}


def test_subscribers_listen_to_their_own_layer_or_below():
    """A subscription is a dependency the imports do not show: a context reacts to the events of
    contexts at or below its layer (engagement listens to everyone; core to no one above it)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    ranks = _layer_ranks()
    assert ranks["engagement"] > ranks["commercial"] > ranks["finance"] > ranks["core"]
    for event, rows in import_string(settings.EVENT_SUBSCRIPTIONS).items():
        publisher = event.split(".")[0]
        for name, _, _ in rows:
            assert ranks[name.split(".")[0]] >= ranks[publisher], f"{name} listens to {event} from a layer above"
