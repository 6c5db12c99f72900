// purpose: topic-tagged engagement in the window received by a batch of accounts (internal
//          node ids): per engaged-with account, parallel lists (topic, engager,
//          interactions, kind-weighted sum) for topic affinity (what an account's engagers
//          respond to), community topics and the influence graphs of topic seed sets, from
//          one read; grouped per account, so no transaction groups the whole graph. One row
//          per batch with a list per column (records cost the client more to decode than
//          list elements)
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
RETURN collect(source.id) AS s, collect(topics) AS topics, collect(engagers) AS engagers,
       collect(ns) AS ns, collect(ws) AS ws
