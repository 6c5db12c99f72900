// purpose: CELF influence maximisation on a projection of integer node ids (the ids are
//          returned as they were projected)
// params: graph, config
// mode: read
CALL gds.influenceMaximization.celf.stream($graph, $config)
YIELD nodeId, spread
RETURN nodeId AS account, spread
ORDER BY spread DESC
