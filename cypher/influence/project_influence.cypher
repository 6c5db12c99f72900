// purpose: the influence graph for CELF: influence flows from the engaged-with account to
//          the engager, one parallel relationship per unit of kind-weighted engagement
//          (so a pair with weight w activates with probability 1-(1-p)^w); each node
//          carries its community rank ($ranks: account id -> rank; absent = unclustered,
//          -1). Ranks come as a parameter, not from MEMBER_OF: right after a run writes its
//          memberships the index statistics are stale and the planner picked a per-row scan
// params: graph, kindWeights, since, ranks
// mode: read
MATCH (engager:Account)-[r:INTERACTED]->(source:Account)
WHERE $since IS NULL OR r.at >= datetime($since)
WITH source, engager, sum(coalesce($kindWeights[r.kind], 0.0)) AS w
WHERE w >= 1
// a fixed row order makes GDS's node numbering, and so CELF's seeded draws, repeatable
WITH source, engager, w ORDER BY source.id, engager.id
UNWIND range(1, toInteger(round(w))) AS unit
WITH gds.graph.project($graph, source, engager, {
       sourceNodeProperties: {community: coalesce($ranks[source.id], -1)},
       targetNodeProperties: {community: coalesce($ranks[engager.id], -1)},
       relationshipType: 'INFLUENCES'
     }) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
