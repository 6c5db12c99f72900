// purpose: extend the refresh lock held by a run (called between stages)
// params: runId, ttl
// mode: write
MATCH (l:RefreshLock {id: 'refresh', runId: $runId})
SET l.expiresAt = datetime() + duration({seconds: $ttl})
RETURN count(l) AS renewed
