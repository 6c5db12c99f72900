// purpose: take the refresh lock for a run unless another live run holds it; the write to
//          the lock node comes first so concurrent callers serialise on it. An expired
//          lock (a crashed run stops renewing it) can be taken over.
// params: runId, ttl
// mode: write
MERGE (l:RefreshLock {id: 'refresh'})
SET l.touchedAt = datetime()
WITH l, (l.runId IS NOT NULL AND l.runId <> $runId AND l.expiresAt > datetime()) AS held
SET l.runId = CASE WHEN held THEN l.runId ELSE $runId END,
    l.expiresAt = CASE WHEN held THEN l.expiresAt
                       ELSE datetime() + duration({seconds: $ttl}) END
RETURN NOT held AS acquired, l.runId AS holder
