// purpose: note that a run's results were deleted by retention (its record stays)
// params: runId
// mode: write
MATCH (r:RefreshRun {id: $runId})
SET r.prunedAt = datetime()
