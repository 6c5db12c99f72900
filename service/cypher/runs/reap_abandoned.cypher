// purpose: fail every running run whose refresh lock expired or is no longer its own: the
//          process running it died (SIGKILL, OOM, lost machine) or was cut off from Neo4j
//          for longer than the lock's TTL. The lock node is written first, like every lock
//          operation, so a run finishing at this moment is either seen finished or not
//          touched. The run's results are deleted by the caller; the serving run is untouched
// params: none
// mode: write
MERGE (l:RefreshLock {id: 'refresh'})
SET l.touchedAt = datetime()
WITH l
MATCH (r:RefreshRun {status: 'running'})
WHERE l.runId IS NULL OR l.runId <> r.id OR l.expiresAt IS NULL OR l.expiresAt <= datetime()
OPTIONAL MATCH (w:RefreshWorker {id: r.worker})
SET r.status = 'failed', r.finishedAt = datetime(),
    r.error = 'abandoned: ' + coalesce('worker ' + r.worker, 'the process running it')
              + ' stopped renewing the refresh lock'
              + coalesce(' (last seen ' + toString(w.lastSeen) + ')', '')
              + '; its partial results were deleted and the previous run keeps serving'
WITH l, r
FOREACH (_ IN CASE WHEN l.runId = r.id THEN [1] ELSE [] END |
  SET l.runId = null, l.expiresAt = null, l.owner = null)
RETURN r.id AS runId
