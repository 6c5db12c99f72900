// purpose: topic-tagged engagement in the window, one row per engaged-with account with
//          parallel lists (topic, engager, interactions, kind-weighted sum): topic
//          affinity (what an account's engagers respond to) and the influence graphs of
//          topic seed sets, from one scan
// params: since, kindWeights
// mode: read
MATCH (engager:Account)-[r:INTERACTED]->(source:Account)
WHERE r.topics IS NOT NULL AND ($since IS NULL OR r.at >= datetime($since))
UNWIND r.topics AS topic
WITH source, topic, engager, count(*) AS n, sum(coalesce($kindWeights[r.kind], 0.0)) AS w
RETURN source.id AS s, collect(topic) AS topics, collect(engager.id) AS engagers,
       collect(n) AS ns, collect(w) AS ws
