// purpose: drop the GDS in-memory graphs of one run (cm-<runId>, cm-influence-<runId>-<n>)
//          that its dead process left behind on the GDS server
// params: runId
// mode: gds
CALL gds.graph.list() YIELD graphName
WITH graphName WHERE graphName STARTS WITH 'cm-' AND graphName CONTAINS $runId
CALL gds.graph.drop(graphName, false) YIELD graphName AS dropped
RETURN count(dropped) AS dropped
