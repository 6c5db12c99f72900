"""Text of the export formats (GEXF 1.3, GraphML, CSV), one element at a time for streaming.

Writers take plain dicts: a node ``{id, label, attrs, color: (r, g, b), size, x, y}``, an
edge ``{source, target, weight}``, and a list of ``Attr`` saying each node attribute's
type. Nothing here touches the database; the export blueprint feeds batches through.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

# characters XML 1.0 forbids (a handle could carry one; the file must still parse)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
GEXF_TYPES = {"string": "string", "int": "integer", "float": "double", "bool": "boolean"}
GRAPHML_TYPES = {"string": "string", "int": "int", "float": "double", "bool": "boolean"}
MEMBERSHIP_COLUMNS = ("account", "handle", "community", "community_label", "leader_rank",
                      "leader_score", "influencer_score")


@dataclass(frozen=True)
class Attr:
    """A node attribute: its key in ``node["attrs"]`` and its type (string/int/float/bool)."""

    key: str
    type: str


def clean(value: Any) -> str:
    """A value as XML-safe text (booleans as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def attr(value: Any) -> str:
    """A quoted XML attribute value."""
    return quoteattr(clean(value))


# ---------------------------------------------------------------------------- GEXF 1.3


def gexf_head(attrs: Sequence[Attr], description: str, date: str) -> str:
    """Everything before the first node."""
    decl = "".join(f'      <attribute id={attr(a.key)} title={attr(a.key)} '
                   f'type="{GEXF_TYPES[a.type]}"/>\n' for a in attrs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
        f'  <meta lastmodifieddate={attr(date)}>\n'
        '    <creator>Community Map</creator>\n'
        f'    <description>{escape(clean(description))}</description>\n'
        '  </meta>\n'
        '  <graph defaultedgetype="directed" mode="static">\n'
        f'    <attributes class="node" mode="static">\n{decl}    </attributes>\n'
        '    <nodes>\n'
    )


def gexf_node(node: dict[str, Any], attrs: Sequence[Attr]) -> str:
    """One ``<node>`` with its attribute values and viz colour, size and position."""
    values = "".join(f'        <attvalue for={attr(a.key)} value={attr(node["attrs"][a.key])}/>\n'
                     for a in attrs if node["attrs"].get(a.key) is not None)
    r, g, b = node["color"]
    text = f'      <node id={attr(node["id"])} label={attr(node["label"])}>\n'
    if values:
        text += f'        <attvalues>\n{values}        </attvalues>\n'
    return text + (
        f'        <viz:color r="{r}" g="{g}" b="{b}"/>\n'
        f'        <viz:size value="{node["size"]}"/>\n'
        f'        <viz:position x="{node["x"]}" y="{node["y"]}" z="0.0"/>\n'
        '      </node>\n'
    )


GEXF_BETWEEN = "    </nodes>\n    <edges>\n"
GEXF_TAIL = "    </edges>\n  </graph>\n</gexf>\n"


def gexf_edge(number: int, edge: dict[str, Any]) -> str:
    """One ``<edge>`` (ids are running numbers)."""
    return (f'      <edge id="{number}" source={attr(edge["source"])} '
            f'target={attr(edge["target"])} weight="{edge["weight"]}"/>\n')


# ---------------------------------------------------------------------------- GraphML

# Gephi reads r/g/b, x/y, size and label keys of these names as colour, position, size, label
_VIZ_KEYS = (("label", "string"), ("r", "int"), ("g", "int"), ("b", "int"), ("size", "double"),
             ("x", "double"), ("y", "double"))


def graphml_head(attrs: Sequence[Attr], description: str) -> str:
    """Everything before the first node: the keys, then the graph element."""
    keys = [f'  <key id={attr(name)} for="node" attr.name={attr(name)} attr.type="{kind}"/>\n'
            for name, kind in _VIZ_KEYS]
    keys += [f'  <key id={attr(a.key)} for="node" attr.name={attr(a.key)} '
             f'attr.type="{GRAPHML_TYPES[a.type]}"/>\n' for a in attrs]
    keys.append('  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>\n')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        f'  <desc>{escape(clean(description))}</desc>\n'
        + "".join(keys)
        + '  <graph id="G" edgedefault="directed">\n'
    )


def graphml_node(node: dict[str, Any], attrs: Sequence[Attr]) -> str:
    """One ``<node>`` with its data (colour as separate r, g, b)."""
    r, g, b = node["color"]
    data = {"label": node["label"], "r": r, "g": g, "b": b, "size": node["size"],
            "x": node["x"], "y": node["y"]}
    data.update({a.key: node["attrs"].get(a.key) for a in attrs})
    body = "".join(f'      <data key={attr(k)}>{escape(clean(v))}</data>\n'
                   for k, v in data.items() if v is not None)
    return f'    <node id={attr(node["id"])}>\n{body}    </node>\n'


GRAPHML_BETWEEN = ""
GRAPHML_TAIL = "  </graph>\n</graphml>\n"


def graphml_edge(number: int, edge: dict[str, Any]) -> str:
    """One ``<edge>`` with its weight."""
    return (f'    <edge id="e{number}" source={attr(edge["source"])} '
            f'target={attr(edge["target"])}>\n'
            f'      <data key="weight">{edge["weight"]}</data>\n    </edge>\n')


# ---------------------------------------------------------------------------- CSV


def csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text (RFC 4180 quoting, ``\\r\\n`` line ends; None as an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()
