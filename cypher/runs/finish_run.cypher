// purpose: mark a run succeeded and make it the serving run, in one transaction
// params: runId, timings, metrics
// mode: write
MATCH (r:RefreshRun {id: $runId})
SET r.status = 'succeeded', r.finishedAt = datetime(), r.timings = $timings,
    r.metrics = $metrics
MERGE (p:CurrentRun {id: 'current'})
SET p.runId = $runId, p.switchedAt = datetime()
