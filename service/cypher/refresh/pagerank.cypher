// purpose: engagement-weighted PageRank on the directed graph (who the engaged engage with),
//          as one row of parallel lists (decodes far faster than a row per node)
// params: graph, config
// mode: gds
CALL gds.pageRank.stream($graph, $config)
YIELD nodeId, score
RETURN collect(nodeId) AS nodeId, collect(score) AS score
