// purpose: per account of a batch (internal node ids): declared followers, follower edges,
//          posts and interactions received in the window (inputs of engagement rate), for
//          the accounts with any of them; one row of parallel lists per batch (decoded far
//          faster than a record per account; a missing declared count is -1, since
//          collect() would skip a null and misalign the lists)
// params: nodes, since
// mode: read
UNWIND $nodes AS node
MATCH (a:Account) WHERE id(a) = node
  AND (a.followersCount IS NOT NULL OR EXISTS { (a)<-[:FOLLOWS|INTERACTED]-() }
       OR EXISTS { (a)-[:POSTED]->() })
WITH a, coalesce(a.followersCount, -1) AS declared,
     COUNT { (a)<-[:FOLLOWS]-() } AS followerEdges,
     COUNT { (a)-[:POSTED]->(p:Post) WHERE $since IS NULL OR p.at >= datetime($since) }
       AS posts,
     COUNT { (a)<-[r:INTERACTED]-() WHERE $since IS NULL OR r.at >= datetime($since) }
       AS received
RETURN collect(a.id) AS ids, collect(declared) AS declared,
       collect(followerEdges) AS followerEdges, collect(posts) AS posts,
       collect(received) AS received
