"""What the read endpoints share: the serving run, and stored JSON decoded in one place."""

from __future__ import annotations

import json
from typing import Any

from ..errors import ApiError
from .cache import request_epoch


def serving_run() -> str:
    """The current run's id, or 503 before the first successful refresh (the same run the
    read cache keys this request's answer by: service/api/cache.py)."""
    run_id = request_epoch().run_id
    if not run_id:
        raise ApiError(503, "no community map yet: run a refresh first "
                            "(POST /v1/refresh or `community-map refresh`)")
    return str(run_id)


def decoded(value: Any, default: Any) -> Any:
    """A JSON string stored on a node, decoded (``default`` when absent)."""
    return json.loads(value) if isinstance(value, str) and value else default


def community_json(c: dict[str, Any], detail: bool = False) -> dict[str, Any]:
    """A Community node as the API's JSON (leaders best first)."""
    out = {
        "id": c["id"], "size": c["size"], "label": c.get("label", ""),
        "top_topics": c.get("topTopics") or [],
        "distinctive_topics": c.get("distinctiveTopics") or [],
        "density": c.get("density"), "conductance": c.get("conductance"),
        "modularity": c.get("modularity"), "leaders": decoded(c.get("leaders"), []),
    }
    if detail:
        out["brokers"] = decoded(c.get("brokers"), [])
    return out


def metrics_json(m: dict[str, Any]) -> dict[str, Any]:
    """An AccountMetrics node as JSON (evidence included)."""
    affinity = decoded(m.get("topicAffinity"), {})
    return {
        "influencer_score": m.get("influencerScore"),
        "components": decoded(m.get("components"), {}),
        "engagement_rate": m.get("engagementRate"),
        "audience_quality": {"score": m.get("audienceQuality"),
                             **decoded(m.get("audience"), {})},
        "mobilisation": decoded(m.get("mobilisation"), {}),
        "topic_affinity": dict(sorted(affinity.items(), key=lambda x: -x[1])[:10]),
    }
