// purpose: influence pairs of the given topics: engaged-with account → engager, with the
//          kind-weighted engagement tagged with that topic (topic-conditioned seed sets)
// params: kindWeights, since, topics
// mode: read
MATCH (engager:Account)-[r:INTERACTED]->(source:Account)
WHERE r.topics IS NOT NULL AND ($since IS NULL OR r.at >= datetime($since))
UNWIND r.topics AS topic
WITH topic, source, engager, r
WHERE topic IN $topics
WITH topic, source, engager, sum(coalesce($kindWeights[r.kind], 0.0)) AS w
WHERE w >= 1
RETURN topic, source.id AS s, engager.id AS t, toInteger(round(w)) AS w
