"""Lines of application Python, to check that a change does not grow the code for the same behaviour.

Counts the lines (all of them: code, docstrings, comments and blank lines) of the ``.py`` files
under ``contexts/``, ``crm/`` and ``config/``, leaving out migrations and tests, per top folder
(each context, the kernel, config) and in total. Issue 12 asks that a restructuring does not grow
this number; docs/architecture.md keeps the figures.

    .venv/bin/python scripts/line_count.py              # the working tree
    .venv/bin/python scripts/line_count.py REV [REV…]   # committed revisions, read through git

Run it from the repository's root.
"""

import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOTS = ("contexts", "crm", "config")


def counted(path):
    """A file is counted when it is Python of the application, not a migration or a test."""
    parts = Path(path).parts
    return (
        path.endswith(".py")
        and parts[0] in ROOTS
        and "migrations" not in parts
        and "tests" not in parts
        and not Path(path).name.startswith("test_")
    )


def group(path):
    """contexts/<name> per context; crm and config whole."""
    parts = Path(path).parts
    return "/".join(parts[:2]) if parts[0] == "contexts" and len(parts) > 2 else parts[0]


def tree_files():
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *ROOTS],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    for path in listed:
        if counted(path) and Path(path).is_file():
            yield path, Path(path).read_text(encoding="utf-8")


def revision_files(rev):
    listed = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", rev, *ROOTS],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    for path in listed:
        if counted(path):
            text = subprocess.run(
                ["git", "show", f"{rev}:{path}"], capture_output=True, text=True, check=True,
            ).stdout
            yield path, text


def count(files):
    lines = Counter()
    for path, text in files:
        lines[group(path)] += len(text.splitlines())
    return lines


def main(revs):
    columns = [(rev, count(revision_files(rev))) for rev in revs] or [
        ("working tree", count(tree_files()))
    ]
    groups = sorted(set().union(*(lines for _, lines in columns)))
    print("\t".join(["", *(name for name, _ in columns)]))
    for name in groups:
        print("\t".join([name, *(str(lines[name]) for _, lines in columns)]))
    print("\t".join(["total", *(str(sum(lines.values())) for _, lines in columns)]))


if __name__ == "__main__":
    main(sys.argv[1:])
