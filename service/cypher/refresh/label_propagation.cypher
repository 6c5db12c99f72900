// purpose: label propagation communities on the undirected engagement graph (one level),
//          as one row of parallel lists
// params: graph, config
// mode: gds
CALL gds.labelPropagation.stream($graph, $config)
YIELD nodeId, communityId
RETURN collect(nodeId) AS nodeId, collect(communityId) AS community
