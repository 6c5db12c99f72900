// purpose: per account: declared followers, follower edges, posts and interactions received
//          in the window (inputs of engagement rate)
// params: since
// mode: read
MATCH (a:Account)
WHERE a.followersCount IS NOT NULL OR EXISTS { (a)<-[:FOLLOWS|INTERACTED]-() }
  OR EXISTS { (a)-[:POSTED]->() }
RETURN a.id AS id, a.followersCount AS declared_followers,
       COUNT { (a)<-[:FOLLOWS]-() } AS follower_edges,
       COUNT { (a)-[:POSTED]->(p:Post) WHERE $since IS NULL OR p.at >= datetime($since) }
         AS posts,
       COUNT { (a)<-[r:INTERACTED]-() WHERE $since IS NULL OR r.at >= datetime($since) }
         AS received
