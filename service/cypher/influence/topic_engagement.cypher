// purpose: topic-tagged engagement in the window received by a batch of accounts (internal
//          node ids), one row per engaged-with account with parallel lists (topic, engager,
//          interactions, kind-weighted sum): topic affinity (what an account's engagers
//          respond to), community topics and the influence graphs of topic seed sets, from
//          one read; grouped per account, so no transaction groups the whole graph
// params: nodes, since, kindWeights
// mode: read
UNWIND $nodes AS node
MATCH (source:Account) WHERE id(source) = node
CALL (source) {
  MATCH (engager:Account)-[r:INTERACTED]->(source)
  WHERE r.topics IS NOT NULL AND ($since IS NULL OR r.at >= datetime($since))
  UNWIND r.topics AS topic
  WITH topic, engager, count(*) AS n, sum(coalesce($kindWeights[r.kind], 0.0)) AS w
  RETURN collect(topic) AS topics, collect(engager.id) AS engagers, collect(n) AS ns,
         collect(w) AS ws
}
WITH source, topics, engagers, ns, ws
WHERE size(topics) > 0
RETURN source.id AS s, topics, engagers, ns, ws
