// purpose: the refresh queue as the API reports it: who holds the lock (a queued run holds
//          it without expiry) and whether it is still live, and the workers seen within the
//          lock's TTL (a worker heartbeats every CM_REFRESH_HEARTBEAT seconds)
// params: ttl
// mode: read
OPTIONAL MATCH (l:RefreshLock {id: 'refresh'})
CALL () {
  OPTIONAL MATCH (w:RefreshWorker)
  WHERE w.lastSeen > datetime() - duration({seconds: $ttl})
  RETURN count(w) AS alive, max(w.lastSeen) AS lastSeen
}
RETURN l.runId AS holder, l.owner AS owner,
       l.runId IS NOT NULL AND (l.expiresAt IS NULL OR l.expiresAt > datetime()) AS held,
       alive AS workersAlive, toString(lastSeen) AS lastSeen
