// purpose: the outgoing engagement of a batch of accounts (internal node ids), one row per
//          batch with a list per column (records cost the client more to decode than list
//          elements) and per account parallel lists, so the refresh reads the graph in
//          bounded pieces:
//          targets and kind codes (index into $kindCodes' kinds; the client weighs them)
//          of its interactions (in the window, positive weight), and with $topics each
//          one's topics ([] when it has none), in the same order; the targets of its
//          follows (when follows count), and how many interactions it ever made (any
//          kind, any time: none makes it a passive follower). Small kind codes and one
//          list of topics per interaction cost the client far less to decode than float
//          weights and separate lists of the tagged ones. Targets are not label-checked,
//          as in refresh/project_engagement (both ends of FOLLOWS and INTERACTED are
//          accounts)
// params: nodes, kindWeights, kindCodes, followWeight, since, topics
// mode: read
UNWIND $nodes AS node
MATCH (a:Account) WHERE id(a) = node
CALL (a) {
  OPTIONAL MATCH (a)-[r:INTERACTED]->(b)
  WHERE $kindWeights[r.kind] > 0 AND ($since IS NULL OR r.at >= datetime($since))
  // collect() skips the null row of an account without interactions
  RETURN collect(id(b)) AS interacted, collect($kindCodes[r.kind]) AS kinds,
         collect(CASE WHEN $topics AND r IS NOT NULL THEN coalesce(r.topics, []) END) AS tags
}
CALL (a) {
  OPTIONAL MATCH (a)-[:FOLLOWS]->(b)
  WHERE $followWeight > 0
  RETURN collect(id(b)) AS followed
}
WITH node, interacted, kinds, tags, followed, COUNT { (a)-[:INTERACTED]->() } AS ever
RETURN collect(node) AS nodes, collect(interacted) AS interacted, collect(kinds) AS kinds,
       collect(tags) AS tags, collect(followed) AS followed, collect(ever) AS interactedEver
