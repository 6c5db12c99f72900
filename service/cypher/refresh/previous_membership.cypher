// purpose: membership of the serving run, to keep community ids stable across runs
// params: runId
// mode: read
MATCH (a:Account)-[:MEMBER_OF {runId: $runId}]->(c:Community {runId: $runId})
RETURN a.id AS account, c.id AS community
