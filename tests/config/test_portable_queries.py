"""`make run` runs on SQLite while CI runs on PostgreSQL: a PostgreSQL-only ORM feature in the
code passes every test and breaks the demo (the public register once answered 500 because of
DISTINCT ON). Raw SQL for PostgreSQL stays allowed behind `connection.vendor` checks."""

import re
from pathlib import Path

from tests.conftest import REPO_ROOT

APPS = ("config", "governance", "recognition", "complaints", "edge_agent")
POSTGRES_ONLY = [
    (re.compile(r"\.distinct\(\s*[\"']"), "DISTINCT ON (.distinct(field))"),
    (re.compile(r"django\.contrib\.postgres"), "django.contrib.postgres"),
]


def test_no_postgresql_only_orm_feature_outside_a_vendor_branch():
    found = []
    for app in APPS:
        for path in sorted(Path(REPO_ROOT, app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            for pattern, what in POSTGRES_ONLY:  # over the whole text: calls span lines
                for match in pattern.finditer(text):
                    number = text.count("\n", 0, match.start()) + 1
                    found.append(f"{path.relative_to(REPO_ROOT)}:{number}: {what}")
    assert not found, "PostgreSQL-only ORM features break `make run` (SQLite):\n" + "\n".join(
        found)
