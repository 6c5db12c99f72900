// purpose: take the refresh lock for a run unless another run holds it; the write to the
//          lock node comes first so concurrent callers serialise on it. A lock with an
//          expiry belongs to a running refresh and can be taken over once expired (its
//          process stopped renewing it); a lock without one ($ttl null) belongs to a queued
//          run and is held until a worker claims the run (runs/claim_queued)
// params: runId, ttl
// mode: write
MERGE (l:RefreshLock {id: 'refresh'})
SET l.touchedAt = datetime()
WITH l, (l.runId IS NOT NULL AND l.runId <> $runId
         AND (l.expiresAt IS NULL OR l.expiresAt > datetime())) AS held,
     coalesce(l.runId = $runId, false) AS mine
SET l.owner = CASE WHEN held OR mine THEN l.owner END,
    l.runId = CASE WHEN held THEN l.runId ELSE $runId END,
    l.expiresAt = CASE WHEN held THEN l.expiresAt
                       WHEN $ttl IS NULL THEN null
                       ELSE datetime() + duration({seconds: $ttl}) END
RETURN NOT held AS acquired, l.runId AS holder
