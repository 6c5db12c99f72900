"""The Neo4j Browser style shipped with the analyst queries: loadable, and not a query file."""

from __future__ import annotations

import re

from service.cypher import CYPHER_DIR, library

GRASS = CYPHER_DIR / "analyst" / "community_map.grass"
RULE = re.compile(r"(node|relationship)(\.[A-Za-z_]+)?\s*\{((?:[^{}\"]|\"[^\"]*\")*)\}")


def rules() -> dict[str, dict[str, str]]:
    text = GRASS.read_text()
    found = {}
    for kind, label, body in RULE.findall(text):
        props = dict(line.strip().rstrip(";").split(":", 1) for line in body.strip().splitlines())
        found[kind + label] = {k.strip(): v.strip() for k, v in props.items()}
    assert re.sub(r"\s+", "", RULE.sub("", text)) == "", "text outside the style's rules"
    return found


def test_style_tells_communities_accounts_and_leaders_apart() -> None:
    style = rules()
    colours = {style[s]["color"] for s in ("node.Account", "node.Leader", "node.Community",
                                           "node.Serving")}
    assert len(colours) == 4
    assert style["node.Account"]["caption"] == style["node.Leader"]["caption"] == '"{handle}"'
    assert style["node.Community"]["caption"] == style["node.Serving"]["caption"] == '"{label}"'
    assert all(re.fullmatch(r"#[0-9A-F]{6}", v) for r in style.values()
               for k, v in r.items() if "color" in k)


def test_query_loader_ignores_the_style_file() -> None:
    assert GRASS.exists()
    assert not any(q.endswith("community_map") for q in library().names())
    assert all(library()[n].path.suffix == ".cypher" for n in library().names("analyst/"))
