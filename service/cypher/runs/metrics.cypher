// purpose: what /metrics says about refreshes, read from the run records at scrape time
//          (so every API process reports the same): runs per status, and the latest
//          succeeded run's stage timings and finish time
// params: none
// mode: read
OPTIONAL MATCH (r:RefreshRun)
WITH r.status AS status, count(r) AS runs
WITH collect({status: status, runs: runs}) AS statuses
OPTIONAL MATCH (last:RefreshRun {status: 'succeeded'})
WITH statuses, last
ORDER BY last.finishedAt DESC
LIMIT 1
RETURN statuses, last.id AS runId, last.timings AS timings,
       last.finishedAt.epochMillis / 1000.0 AS finishedAt,
       datetime().epochMillis / 1000.0 AS now
