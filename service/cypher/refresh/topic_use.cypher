// purpose: topic use of a batch of accounts (internal node ids) in the window, for a refresh
//          without influence: per account, the topics of the tagged interactions it
//          received and of those it made, with counts (community labels and top topics).
//          Summed per account on the server, one expansion per account (ingest rejects
//          self-interactions, so each relationship is one or the other): about a third of
//          the list elements of influence/topic_engagement, which also names every engager
//          for the influence stage. One row of parallel lists per batch (decoding records
//          costs the client more than lists); no transaction groups the whole graph
// params: nodes, since
// mode: read
UNWIND $nodes AS node
MATCH (a:Account) WHERE id(a) = node
CALL (a) {
  MATCH (a)-[r:INTERACTED]-(:Account)
  WHERE r.topics IS NOT NULL AND ($since IS NULL OR r.at >= datetime($since))
  WITH startNode(r) = a AS made, r.topics AS topics
  UNWIND topics AS topic
  WITH made, topic, count(*) AS n
  // collect() skips nulls: each list keeps its own side
  RETURN collect(CASE WHEN NOT made THEN topic END) AS received,
         collect(CASE WHEN NOT made THEN n END) AS receivedN,
         collect(CASE WHEN made THEN topic END) AS made,
         collect(CASE WHEN made THEN n END) AS madeN
}
WITH a, received, receivedN, made, madeN
WHERE size(received) > 0 OR size(made) > 0
RETURN collect(a.id) AS accounts, collect(received) AS received,
       collect(receivedN) AS receivedN, collect(made) AS made, collect(madeN) AS madeN
