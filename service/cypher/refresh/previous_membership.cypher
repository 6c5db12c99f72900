// purpose: membership of the serving run, to keep community ids stable across runs: one
//          row per community with its members' ids (a row per member cost 10x as long
//          to decode)
// params: runId
// mode: read
MATCH (c:Community {runId: $runId})
RETURN c.id AS community,
       COLLECT { MATCH (a:Account)-[:MEMBER_OF {runId: $runId}]->(c) RETURN a.id } AS accounts
