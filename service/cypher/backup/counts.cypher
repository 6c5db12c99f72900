// purpose: what a backup holds, to compare after a restore: all nodes and relationships
//          (from the count store: instant) and the serving run
// params: none
// mode: read
CALL () {
  MATCH (n)
  RETURN count(n) AS nodes
}
CALL () {
  MATCH ()-[r]->()
  RETURN count(r) AS relationships
}
OPTIONAL MATCH (p:CurrentRun {id: 'current'})
RETURN nodes, relationships, p.runId AS servingRun
