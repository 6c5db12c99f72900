// purpose: ranking benchmark baseline: PageRank of every account of a projected
//          engagement graph, by account id
// params: graph, config
// mode: read
CALL gds.pageRank.stream($graph, $config)
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score
