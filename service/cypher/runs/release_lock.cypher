// purpose: release the refresh lock if this run holds it
// params: runId
// mode: write
MATCH (l:RefreshLock {id: 'refresh', runId: $runId})
SET l.runId = null, l.expiresAt = null, l.owner = null
