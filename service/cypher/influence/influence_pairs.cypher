// purpose: influence pairs (engaged-with account → engager) with their kind-weighted
//          engagement, for evaluating any seed set with the same cascade model as CELF
// params: kindWeights, since
// mode: read
MATCH (engager:Account)-[r:INTERACTED]->(source:Account)
WHERE $since IS NULL OR r.at >= datetime($since)
WITH source, engager, sum(coalesce($kindWeights[r.kind], 0.0)) AS w
WHERE w >= 1
RETURN source.id AS s, engager.id AS t, toInteger(round(w)) AS w
