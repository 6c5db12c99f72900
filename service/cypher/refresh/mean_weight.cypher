// purpose: the mean weight of the undirected relationships (ENGAGES_U), aggregated in the
//          server: the scale of Leiden's randomness (theta, in weight units) for the
//          best-of-N trials. Only asked when several trials run (small graphs)
// params: graph
// mode: gds
CALL gds.graph.relationshipProperty.stream($graph, 'weight', ['ENGAGES_U'])
YIELD propertyValue
RETURN avg(propertyValue) AS mean
