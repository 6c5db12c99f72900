// purpose: topic counts per community, from interactions its members made or received
//          and posts they wrote (within the window), for community labels and top topics.
//          $ranks maps account id -> community rank (absent: not in a community, -1);
//          summing on the server moves ~1.7k rows instead of ~430k
// params: since, ranks
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
RETURN coalesce($ranks[account], -1) AS community, topic, count(*) AS n
