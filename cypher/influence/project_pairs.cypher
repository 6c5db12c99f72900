// purpose: an influence graph projected from given pairs of integer node ids (no database
//          scan), one parallel relationship per unit of weight, in the rows' order
// params: graph, rels
// mode: read
UNWIND $rels AS r
UNWIND range(1, r.w) AS unit
WITH gds.graph.project($graph, r.s, r.t, {relationshipType: 'INFLUENCES'}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
