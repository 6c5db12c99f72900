// purpose: the accounts a refresh analyses (any interaction of a positively weighted kind in
//          the window, or a follow when follows count), in account-id order with their
//          internal node ids: the same nodes, in the same order, as the GDS projection
//          (one row of two lists, decoded far faster than a record per account)
// params: kindWeights, followWeight, since
// mode: read
MATCH (a:Account)
WHERE EXISTS { (a)-[r:INTERACTED]-()
               WHERE $kindWeights[r.kind] > 0 AND ($since IS NULL OR r.at >= datetime($since)) }
   OR ($followWeight > 0 AND EXISTS { (a)-[:FOLLOWS]-() })
WITH a ORDER BY a.id
RETURN collect(id(a)) AS nodes, collect(a.id) AS accounts
