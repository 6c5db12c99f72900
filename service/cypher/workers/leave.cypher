// purpose: a worker that stops cleanly removes its heartbeat node (it no longer counts as alive)
// params: workerId
// mode: write
MATCH (w:RefreshWorker {id: $workerId})
DELETE w
