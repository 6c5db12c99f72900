// purpose: Leiden communities on the undirected engagement graph, with intermediate levels
//          (nodeId: the Neo4j internal id, as every GDS stream returns it)
// params: graph, config
// mode: gds
CALL gds.leiden.stream($graph, $config)
YIELD nodeId, communityId, intermediateCommunityIds
RETURN nodeId, communityId AS community, intermediateCommunityIds AS levels
