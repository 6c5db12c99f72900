// purpose: Louvain communities on the undirected engagement graph, with intermediate levels
// params: graph, config
// mode: gds
CALL gds.louvain.stream($graph, $config)
YIELD nodeId, communityId, intermediateCommunityIds
RETURN nodeId, communityId AS community, intermediateCommunityIds AS levels
