// purpose: note that a run's results were deleted by retention (its record stays), and bump
//          the serving pointer's cache version so every API process drops answers it may
//          have cached from that run (service/api/cache.py)
// params: runId
// mode: write
MATCH (r:RefreshRun {id: $runId})
SET r.prunedAt = datetime()
WITH r
MATCH (p:CurrentRun {id: 'current'})
SET p.cacheVersion = coalesce(p.cacheVersion, 0) + 1
