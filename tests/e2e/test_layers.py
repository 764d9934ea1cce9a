"""The layers of src/ point one way: endpoints -> services -> repositories -> db, core below everything.

Reads every #include "..." of src/ (and infra/local, the init-db tool) and fails on one that points upward or
skips past the layer it must go through (a service reaching db/ instead of a repository, the API reaching a
repository). No server is started: this is a check on the source tree.
"""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# What each layer may include. schemas/ (request and response shapes) may name the entity structs that
# repositories/ read and write; services/ go through repositories/, never to db/; the API (api/v1 with its
# endpoints, and api/gateway) calls services/, never repositories/ or db/.
ALLOWED = {
    "core": {"core"},
    "db": {"core", "db"},
    "repositories": {"core", "db", "repositories"},
    "schemas": {"core", "repositories", "schemas"},
    "services": {"core", "repositories", "schemas", "services"},
    "api": {"core", "schemas", "services", "api"},
    "top": {"core", "db", "repositories", "schemas", "services", "api", "top"},
}
# repositories/repo.h is the repositories' own DynamoDB toolkit: a service asks an entity's repository.
PRIVATE = {"repositories/repo.h": {"repositories"}}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(rel):
    """The layer of a path relative to src/ (or an include's target), None for an unknown folder."""
    parts = pathlib.PurePosixPath(rel).parts
    if parts[0] in ("core", "db", "repositories", "schemas", "services", "api"):
        return parts[0]
    if rel == "main.c" or parts[0] == "infra":
        return "top"
    return None


def sources():
    files = sorted((ROOT / "src").rglob("*.[ch]")) + sorted((ROOT / "infra" / "local").rglob("*.[ch]"))
    for path in files:
        rel = path.relative_to(ROOT / "src") if path.is_relative_to(ROOT / "src") else path.relative_to(ROOT)
        yield path, rel.as_posix()


def violations(files):
    """(file, included header, why) for every include that breaks the layering."""
    out = []
    for path, rel in files:
        own = layer_of(rel)
        assert own, f"{rel}: a file outside the known layers; add its folder to test_layers.py"
        for target in INCLUDE.findall(path.read_text(errors="replace")):
            to = layer_of(target)
            if to is None:
                out.append((rel, target, "includes a header of no known layer"))
            elif to not in ALLOWED[own]:
                out.append((rel, target, f"{own} may not include {to}"))
            elif target in PRIVATE and own not in PRIVATE[target]:
                out.append((rel, target, f"only {', '.join(sorted(PRIVATE[target]))} may include it"))
    return out


def test_no_include_points_upward():
    bad = violations(sources())
    assert not bad, "layer violations:\n" + "\n".join(f"  {f}: #include \"{t}\" ({why})" for f, t, why in bad)


@pytest.mark.parametrize("rel,text", [
    ("repositories/x_repo.c", '#include "services/snowflake.h"\n'),
    ("repositories/x_repo.h", '#include "schemas/user_schema.h"\n'),
    ("services/x_service.c", '#include "db/dynamo.h"\n'),
    ("db/x.c", '#include "repositories/repo.h"\n'),
    ("core/x.c", '  #  include "db/dynamo.h"\n'),
    ("api/v1/endpoints/x.c", '#include "repositories/user_repo.h"\n'),
    ("services/x_service.c", '#include "repositories/repo.h"\n'),
])
def test_the_check_catches_an_upward_include(tmp_path, rel, text):
    path = tmp_path / "x.c"
    path.write_text('#include <stdio.h>\n' + text)
    assert violations([(path, rel)]), rel


def test_the_check_accepts_downward_includes(tmp_path):
    path = tmp_path / "x.c"
    path.write_text('#include "services/gjob.h"\n#include "schemas/guild_schema.h"\n#include "core/errors.h"\n')
    assert violations([(path, "api/v1/endpoints/x.c")]) == []
