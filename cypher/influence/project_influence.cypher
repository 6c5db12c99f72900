// purpose: the influence graph for CELF: influence flows from the engaged-with account to
//          the engager, one parallel relationship per unit of kind-weighted engagement
//          (so a pair with weight w activates with probability 1-(1-p)^w); each node
//          carries its community rank in the given run (-1 = unclustered)
// params: graph, kindWeights, since, runId
// mode: read
MATCH (engager:Account)-[r:INTERACTED]->(source:Account)
WHERE $since IS NULL OR r.at >= datetime($since)
WITH source, engager, sum(coalesce($kindWeights[r.kind], 0.0)) AS w
WHERE w >= 1
OPTIONAL MATCH (source)-[ms:MEMBER_OF {runId: $runId}]->(cs:Community)
OPTIONAL MATCH (engager)-[me:MEMBER_OF {runId: $runId}]->(ce:Community)
// a fixed row order makes GDS's node numbering, and so CELF's seeded draws, repeatable
WITH source, engager, w, cs, ce ORDER BY source.id, engager.id
UNWIND range(1, toInteger(round(w))) AS unit
WITH gds.graph.project($graph, source, engager, {
       sourceNodeProperties: {community: coalesce(cs.rank, -1)},
       targetNodeProperties: {community: coalesce(ce.rank, -1)},
       relationshipType: 'INFLUENCES'
     }) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
