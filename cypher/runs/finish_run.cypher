// purpose: mark a run succeeded, make it the serving run and release its lock, in one
//          transaction (a client that sees "succeeded" can start the next refresh at once)
// params: runId, timings, metrics
// mode: write
MATCH (r:RefreshRun {id: $runId})
SET r.status = 'succeeded', r.finishedAt = datetime(), r.timings = $timings,
    r.metrics = $metrics
MERGE (p:CurrentRun {id: 'current'})
SET p.runId = $runId, p.switchedAt = datetime()
WITH r
OPTIONAL MATCH (l:RefreshLock {id: 'refresh', runId: $runId})
SET l.runId = null, l.expiresAt = null
