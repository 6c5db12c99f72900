// purpose: an account's profile and, in the given run, its community and scores
// params: runId, id
// mode: read
MATCH (a:Account {id: $id})
OPTIONAL MATCH (a)-[m:MEMBER_OF {runId: $runId}]->(c:Community)
RETURN a {.*} AS account, m {.*} AS membership, c.id AS community_id,
       c.label AS community_label, c.size AS community_size
