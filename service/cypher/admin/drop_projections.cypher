// purpose: drop every GDS in-memory graph (a crashed refresh may leave one behind)
// params: none
// mode: gds
CALL gds.graph.list() YIELD graphName
CALL gds.graph.drop(graphName, false) YIELD graphName AS dropped
RETURN count(dropped) AS dropped
