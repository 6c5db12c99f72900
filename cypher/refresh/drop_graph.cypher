// purpose: drop a projection (always, also after a failure); no error if already gone
// params: graph
// mode: read
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName
