"""The shared vocabulary: interaction kinds, entities in load order, community algorithms.

Declared once here and imported everywhere (schemas, loading, the generator, refresh
parameters), so a new kind or entity is one edit.
"""

from __future__ import annotations

# Interaction kinds, and their default weights in the engagement graph (configurable per
# refresh): a share or a comment says more than a like.
KINDS: tuple[str, ...] = ("like", "comment", "reply", "share", "mention")
DEFAULT_KIND_WEIGHTS: dict[str, float] = {
    "like": 1.0, "comment": 3.0, "reply": 3.0, "share": 4.0, "mention": 2.0,
}

# Entities in dependency (load) order: profiles before the posts, follows, interactions
# and adoptions that reference them.
ENTITIES: tuple[str, ...] = ("accounts", "posts", "follows", "interactions", "adoptions")

# Community detection algorithms a refresh can run (GDS procedures of the same name).
ALGORITHMS: tuple[str, ...] = ("leiden", "louvain", "label_propagation")

# Seed-set scopes: "all", a community id, "topic:<name>" or "<community>/topic:<name>".
SCOPE_ALL = "all"
TOPIC_PREFIX = "topic:"
