"""The shared vocabulary: interaction kinds, input entities in load order, algorithms."""

from __future__ import annotations

# Interaction kinds an event may have (extensible: add here, then weight it in refresh).
KINDS: tuple[str, ...] = ("like", "comment", "reply", "share", "mention")

# Input entities in dependency (load) order: posts and follows name accounts, interactions
# name accounts and posts, adoptions name accounts.
ENTITIES: tuple[str, ...] = ("accounts", "posts", "follows", "interactions", "adoptions")

# Community detection algorithms a refresh can run.
ALGORITHMS: tuple[str, ...] = ("leiden", "louvain", "label_propagation")
