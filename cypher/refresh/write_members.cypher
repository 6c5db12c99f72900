// purpose: membership and per-run scores: (:Account)-[:MEMBER_OF {runId, ...}]->(:Community)
// params: rows, runId
// mode: write
UNWIND $rows AS row
MATCH (a:Account {id: row.account})
MATCH (c:Community {key: row.key})
CREATE (a)-[m:MEMBER_OF {runId: $runId}]->(c)
SET m += row.props
