// purpose: topic counts per account, separately for its own posts and for the engagement
//          it receives (topic relevance)
// params: since
// mode: read
CALL () {
  MATCH (a:Account)-[:POSTED]->(p:Post)
  WHERE p.topics IS NOT NULL AND ($since IS NULL OR p.at >= datetime($since))
  UNWIND p.topics AS topic
  RETURN a.id AS account, topic, 'posts' AS source
  UNION ALL
  MATCH (:Account)-[r:INTERACTED]->(b:Account)
  WHERE r.topics IS NOT NULL AND ($since IS NULL OR r.at >= datetime($since))
  UNWIND r.topics AS topic
  RETURN b.id AS account, topic, 'received' AS source
}
RETURN account, topic, source, count(*) AS n
