// purpose: engagement-weighted PageRank on the directed graph (who the engaged engage with)
// params: graph, config
// mode: gds
CALL gds.pageRank.stream($graph, $config)
YIELD nodeId, score
RETURN nodeId, score
