// purpose: a run whose results are kept (succeeded and not pruned): what the exports and
//          the map page need to read it; no row when it is not retained
// params: runId
// mode: read
MATCH (r:RefreshRun {id: $runId})
WHERE r.status = 'succeeded' AND r.prunedAt IS NULL
OPTIONAL MATCH (p:CurrentRun {id: 'current'})
RETURN r.id AS run_id, r.params AS params, r.metrics AS metrics, r.startedAt AS started_at,
       coalesce(r.id = p.runId, false) AS current
