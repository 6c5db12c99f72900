// purpose: one refresh run
// params: runId
// mode: read
MATCH (r:RefreshRun {id: $runId})
OPTIONAL MATCH (p:CurrentRun {id: 'current'})
RETURN r {.*, current: r.id = p.runId} AS run
