// purpose: mark a queued run as running
// params: runId
// mode: write
MATCH (r:RefreshRun {id: $runId})
SET r.status = 'running', r.startedAt = datetime()
