// purpose: add ENGAGES_U, the undirected view (a->b and b->a summed) that community
//          detection needs, next to the directed ENGAGES used by PageRank
// params: graph
// mode: gds
CALL gds.graph.relationships.toUndirected($graph, {
  relationshipType: 'ENGAGES', mutateRelationshipType: 'ENGAGES_U', aggregation: 'SUM'
}) YIELD relationshipsWritten
RETURN relationshipsWritten
