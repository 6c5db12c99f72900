// purpose: topic counts per account, from interactions it made or received and posts it
//          wrote (within the window), for community labels and top topics
// params: since
// mode: read
CALL () {
  MATCH (a:Account)-[r:INTERACTED]->(b:Account)
  WHERE r.topics IS NOT NULL AND ($since IS NULL OR r.at >= datetime($since))
  UNWIND r.topics AS topic
  UNWIND [a.id, b.id] AS account
  RETURN account, topic
  UNION ALL
  MATCH (a:Account)-[:POSTED]->(p:Post)
  WHERE p.topics IS NOT NULL AND ($since IS NULL OR p.at >= datetime($since))
  UNWIND p.topics AS topic
  RETURN a.id AS account, topic
}
RETURN account, topic, count(*) AS n
