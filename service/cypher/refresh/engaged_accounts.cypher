// purpose: the accounts a refresh analyses (any interaction of a positively weighted kind in
//          the window, or a follow when follows count), in account-id order with their
//          internal node ids: the same nodes, in the same order, as the GDS projection
// params: kindWeights, followWeight, since
// mode: read
MATCH (a:Account)
WHERE EXISTS { (a)-[r:INTERACTED]-()
               WHERE $kindWeights[r.kind] > 0 AND ($since IS NULL OR r.at >= datetime($since)) }
   OR ($followWeight > 0 AND EXISTS { (a)-[:FOLLOWS]-() })
RETURN id(a) AS node, a.id AS account
ORDER BY a.id
