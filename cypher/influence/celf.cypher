// purpose: CELF influence maximisation (independent cascade) on a projection
// params: graph, config
// mode: read
CALL gds.influenceMaximization.celf.stream($graph, $config)
YIELD nodeId, spread
RETURN nodeId, gds.util.asNode(nodeId).id AS account, spread
ORDER BY spread DESC
