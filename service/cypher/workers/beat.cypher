// purpose: a refresh worker's heartbeat: who and where it is, what it runs, when it was last
//          seen (a worker seen within CM_REFRESH_LOCK_TTL counts as alive)
// params: workerId, host, pid, runId, state
// mode: write
MERGE (w:RefreshWorker {id: $workerId})
ON CREATE SET w.startedAt = datetime()
SET w.lastSeen = datetime(), w.host = $host, w.pid = $pid, w.runId = $runId, w.state = $state
