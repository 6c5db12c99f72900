// purpose: CELF influence maximisation (independent cascade) on a projection of integer
//          node ids (returned as projected), best marginal spread first
// params: graph, config
// mode: gds
CALL gds.influenceMaximization.celf.stream($graph, $config)
YIELD nodeId, spread
RETURN nodeId, spread
ORDER BY spread DESC
