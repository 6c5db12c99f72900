// purpose: mark a run failed with its error and release its lock; the serving run is
//          untouched
// params: runId, error, timings
// mode: write
MATCH (r:RefreshRun {id: $runId})
SET r.status = 'failed', r.finishedAt = datetime(), r.error = $error, r.timings = $timings
WITH r
OPTIONAL MATCH (l:RefreshLock {id: 'refresh', runId: $runId})
SET l.runId = null, l.expiresAt = null
