// purpose: Louvain communities on the undirected engagement graph, with intermediate levels,
//          as one row of parallel lists
// params: graph, config
// mode: gds
CALL gds.louvain.stream($graph, $config)
YIELD nodeId, communityId, intermediateCommunityIds
RETURN collect(nodeId) AS nodeId, collect(communityId) AS community,
       collect(intermediateCommunityIds) AS levels
