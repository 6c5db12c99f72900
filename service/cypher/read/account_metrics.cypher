// purpose: one account's influence metrics in a run
// params: runId, id
// mode: read
MATCH (m:AccountMetrics {key: $runId + ':' + $id})
RETURN m {.*} AS metrics
