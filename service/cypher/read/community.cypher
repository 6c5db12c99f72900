// purpose: one community of a run by its stable id
// params: runId, id
// mode: read
MATCH (c:Community {key: $runId + ':' + $id})
RETURN c {.*} AS community
