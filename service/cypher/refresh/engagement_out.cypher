// purpose: the outgoing engagement of a batch of accounts (internal node ids), one row per
//          batch with a list per column (records cost the client more to decode than list
//          elements) and per account parallel lists, so the refresh reads the graph in
//          bounded pieces:
//          targets and kind weights of its interactions (in the window, positive weight)
//          and the targets of its follows (when follows count), and how many interactions
//          it ever made (any kind, any time: none makes it a passive follower). With
//          $topics, also the interactions among those that carry topics (target, kind
//          weight, topics): the refresh's topic counts, without reading them again.
//          Targets are not label-checked, as in refresh/project_engagement (both ends of
//          FOLLOWS and INTERACTED are accounts)
// params: nodes, kindWeights, followWeight, since, topics
// mode: read
UNWIND $nodes AS node
MATCH (a:Account) WHERE id(a) = node
CALL (a) {
  OPTIONAL MATCH (a)-[r:INTERACTED]->(b)
  WHERE $kindWeights[r.kind] > 0 AND ($since IS NULL OR r.at >= datetime($since))
  WITH b, toFloat($kindWeights[r.kind]) AS w, CASE WHEN $topics THEN r.topics END AS tags
  // collect() skips nulls: the tagged lists hold the interactions with topics only
  RETURN collect(id(b)) AS interacted, collect(w) AS weights,
         collect(CASE WHEN tags IS NOT NULL THEN id(b) END) AS tagged,
         collect(CASE WHEN tags IS NOT NULL THEN w END) AS taggedWeights,
         collect(tags) AS tags
}
CALL (a) {
  OPTIONAL MATCH (a)-[:FOLLOWS]->(b)
  WHERE $followWeight > 0
  RETURN collect(id(b)) AS followed
}
WITH node, interacted, weights, tagged, taggedWeights, tags, followed,
     COUNT { (a)-[:INTERACTED]->() } AS ever
RETURN collect(node) AS nodes, collect(interacted) AS interacted, collect(weights) AS weights,
       collect(tagged) AS tagged, collect(taggedWeights) AS taggedWeights,
       collect(tags) AS tags, collect(followed) AS followed, collect(ever) AS interactedEver
