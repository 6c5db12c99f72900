// purpose: a worker claims the queued run that holds the refresh lock: the run turns
//          running under the worker's name and the lock gets an expiry that the worker's
//          heartbeat renews. The write to the lock node comes first, so of several workers
//          claiming at once one gets the run and the others find it running (no row)
// params: workerId, ttl
// mode: write
MATCH (l:RefreshLock {id: 'refresh'})
WHERE l.runId IS NOT NULL AND l.expiresAt IS NULL
SET l.touchedAt = datetime()
WITH l
MATCH (r:RefreshRun {id: l.runId})
WHERE r.status = 'queued' AND l.expiresAt IS NULL
SET r.status = 'running', r.startedAt = datetime(), r.worker = $workerId,
    l.owner = $workerId, l.expiresAt = datetime() + duration({seconds: $ttl})
RETURN r.id AS runId
