// purpose: mark a run failed with its error; the serving run is untouched
// params: runId, error, timings
// mode: write
MATCH (r:RefreshRun {id: $runId})
SET r.status = 'failed', r.finishedAt = datetime(), r.error = $error, r.timings = $timings
