// purpose: the subgraph of one community, for per-community seed sets
// params: graph, from, community
// mode: read
CALL gds.graph.filter($graph, $from, 'n.community = $c', '*', {parameters: {c: $community}})
YIELD graphName, nodeCount
RETURN graphName, nodeCount AS nodes
