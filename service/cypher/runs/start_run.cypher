// purpose: mark a queued run as running (a run a worker claimed keeps its start time)
// params: runId
// mode: write
MATCH (r:RefreshRun {id: $runId})
SET r.status = 'running', r.startedAt = coalesce(r.startedAt, datetime())
