// purpose: one Leiden trial on the undirected engagement graph: its communities (with
//          intermediate levels, last = final) stored on the in-memory graph under
//          $config.mutateProperty, and the modularity it reached (best-of-N refreshes)
// params: graph, config
// mode: gds
CALL gds.leiden.mutate($graph, $config)
YIELD modularity, communityCount, ranLevels
RETURN modularity, communityCount, ranLevels
