// purpose: drop a projection (always, also after a failure); no error if already gone
// params: graph
// mode: gds
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName
