// purpose: mark a run failed with its error and release its lock (the lock node first, as
//          in every lock operation); the serving run is untouched, and a run that already
//          succeeded stays succeeded. Recording a failure again (a worker that could not
//          reach Neo4j when its run failed) replaces the error with the real one
// params: runId, error, timings
// mode: write
OPTIONAL MATCH (l:RefreshLock {id: 'refresh', runId: $runId})
SET l.runId = null, l.expiresAt = null, l.owner = null
WITH count(*) AS released
MATCH (r:RefreshRun {id: $runId})
WHERE r.status <> 'succeeded'
SET r.status = 'failed', r.finishedAt = coalesce(r.finishedAt, datetime()), r.error = $error,
    r.timings = $timings
