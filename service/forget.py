"""Forget one account everywhere: its data, its per-run results, and where results name it.

One write transaction (all or nothing, retried whole by the driver):

1. count what the account left (follows, interactions, posts, adoptions, memberships and
   per-run metrics in every retained run);
2. take its entries out of the JSON that results store: seed sets (CELF order and the
   top-k baselines; the set's ``redacted`` counter says entries were taken out and its
   spreads were simulated with them), community leaders and brokers (a label naming it
   as top leader names the next one), early adopters of items, and map labels;
3. delete its per-run topic scores and metrics, its posts, then the node with every
   relationship;
4. record the deletion as ``(:AccountDeletion {id, at, by})`` — who asked and when, never
   which account — and bump the data version so the next ``refresh --if-changed`` runs.

Sizes, densities, map links and adoption counts of existing runs still include the
account until the next refresh recomputes them. A second call finds nothing and raises
:class:`NothingToForget` (the API's 404): the first call removed every trace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction

from . import jsontext
from .db import Database, records, run_in

NOTE = ("Community sizes, densities, map links and adoption counts of existing runs still "
        "include this account until the next refresh recomputes them.")


class NothingToForget(LookupError):
    """No account with that id and no result naming it."""


@dataclass
class Forgotten:
    """What one deletion removed."""

    account_id: str
    deletion_id: str = ""
    deleted_at: str = ""
    removed: dict[str, int] = field(default_factory=dict)
    runs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The API's answer."""
        return {"account_id": self.account_id, "deletion_id": self.deletion_id,
                "deleted_at": self.deleted_at, "removed": self.removed,
                "runs_rewritten": self.runs, "note": NOTE}


def needles(account_id: str) -> list[str]:
    """The account id as stored JSON names it: compact UTF-8 (:mod:`service.jsontext`)
    and, in results written before that, ASCII-escaped (``json.dumps``)."""
    return sorted({jsontext.dumps(account_id), json.dumps(account_id)})


def drop_ids(entries: list[Any], account_id: str) -> tuple[list[Any], int]:
    """Entries (ids, or dicts with an ``id``) without the account's; and how many went."""
    kept = [e for e in entries
            if (e.get("id") if isinstance(e, dict) else e) != account_id]
    return kept, len(entries) - len(kept)


def rewrite_seed_set(json_props: dict[str, str], account_id: str) -> tuple[dict[str, str], int]:
    """A seed set without the account in its CELF order or its baselines' rankings."""
    props, removed = {}, 0
    for key in ("seeds", "topFollowers", "topPagerank"):
        kept, n = drop_ids(json.loads(json_props.get(key) or "[]"), account_id)
        props[key], removed = jsontext.dumps(kept), removed + n
    return props, removed


def rewrite_community(json_props: dict[str, Any],
                      account_id: str) -> tuple[dict[str, str], int, int]:
    """A community without the account among its leaders and brokers (label renamed when it
    named the account as the top leader); the number of leader and broker entries removed."""
    old_leaders = json.loads(json_props.get("leaders") or "[]")
    leaders, n_leaders = drop_ids(old_leaders, account_id)
    brokers, n_brokers = drop_ids(json.loads(json_props.get("brokers") or "[]"), account_id)
    props = {"leaders": jsontext.dumps(leaders), "brokers": jsontext.dumps(brokers)}
    if old_leaders and old_leaders[0].get("id") == account_id:
        props["label"] = relabel(json_props.get("label") or "", old_leaders[0], leaders)
    return props, n_leaders, n_brokers


def relabel(label: str, old_head: dict[str, Any], leaders: list[dict[str, Any]]) -> str:
    """'#tea #cups · old' → '#tea #cups · next' (the label's leader part names the top one)."""
    head = old_head.get("handle") or old_head.get("id")
    topics = label[: -len(f" · {head}")] if label.endswith(f" · {head}") else label
    new_head = (leaders[0].get("handle") or leaders[0].get("id")) if leaders else ""
    return (topics + (f" · {new_head}" if new_head else "")).strip()


def rewrite_map_level(communities_json: str, labels: dict[str, str]) -> str:
    """A map level's communities with new labels for the communities in ``labels``."""
    communities = json.loads(communities_json)
    for c in communities:
        if c.get("id") in labels:
            c["label"] = labels[c["id"]]
    return jsontext.dumps(communities)


def _forget_tx(tx: ManagedTransaction, account_id: str, by: str) -> Forgotten:
    traces = records(run_in(tx, "forget/traces", id=account_id))[0]
    found = traces.pop("found")
    removed = {"accounts": int(found), **traces, "seed_set_entries": 0,
               "leader_entries": 0, "broker_entries": 0, "early_adopter_entries": 0}
    rows: dict[str, list[dict[str, Any]]] = {"seedSets": [], "communities": [], "items": [],
                                             "mapLevels": []}
    runs: set[str] = set()
    labels: dict[str, dict[str, str]] = {}
    for m in records(run_in(tx, "forget/mentions", needles=needles(account_id))):
        n = 0
        if m["label"] == "SeedSet":
            props, n = rewrite_seed_set(m["json"], account_id)
            rows["seedSets"].append({"key": m["key"], "props": props, "removed": n})
            removed["seed_set_entries"] += n
        elif m["label"] == "Community":
            props, n_lead, n_brok = rewrite_community(m["json"], account_id)
            n = n_lead + n_brok
            removed["leader_entries"] += n_lead
            removed["broker_entries"] += n_brok
            if "label" in props:
                labels.setdefault(m["runId"], {})[m["json"]["id"]] = props["label"]
            rows["communities"].append({"key": m["key"], "props": props})
        else:
            kept, n = drop_ids(json.loads(m["json"]["earlyAdopterLeaders"] or "[]"), account_id)
            rows["items"].append({"key": m["key"],
                                  "props": {"earlyAdopterLeaders": jsontext.dumps(kept)}})
            removed["early_adopter_entries"] += n
        if n:
            runs.add(m["runId"])
    keys = [f"{run}:0" for run in labels]
    for level in records(run_in(tx, "forget/map_levels", keys=keys)) if keys else []:
        new = rewrite_map_level(level["communities"], labels[level["key"].rsplit(":", 1)[0]])
        rows["mapLevels"].append({"key": level["key"], "props": {"communities": new}})
    if not found and not runs and not removed["account_metrics"]:
        raise NothingToForget(account_id)
    run_in(tx, "forget/rewrite_results", **rows).consume()
    run_in(tx, "forget/delete_account", id=account_id).consume()
    record = records(run_in(tx, "forget/record_deletion", by=by))[0]
    return Forgotten(account_id, record["id"], record["at"], removed, sorted(runs))


def forget_account(database: Database, account_id: str, by: str) -> Forgotten:
    """Delete an account everywhere in one transaction; NothingToForget if there is none."""
    return database.write(_forget_tx, account_id, by)
