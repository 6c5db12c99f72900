// purpose: Leiden communities on the undirected engagement graph, with intermediate levels
// params: graph, config
// mode: gds
CALL gds.leiden.stream($graph, $config)
YIELD nodeId, communityId, intermediateCommunityIds
RETURN nodeId, gds.util.asNode(nodeId).id AS account, communityId AS community,
       intermediateCommunityIds AS levels
