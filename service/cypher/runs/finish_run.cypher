// purpose: mark a run succeeded, make it the serving run and release its lock, in one
//          transaction (a client that sees "succeeded" can start the next refresh at once).
//          The serving run's communities carry the label :Serving, moved here in the same
//          transaction, so analysts select them without joining through :CurrentRun; the
//          accounts the API lists as their leaders (leaderRank <= 5, analytics.py's
//          LEADERS_PER_COMMUNITY) carry :Leader, moved the same way (Browser styles both).
//          Only while the run still holds a live lock and is running (a run the reaper
//          failed as abandoned never switches); the lock node is written first, as in every
//          lock operation. Returns switched = 0 when it did nothing
// params: runId, timings, metrics
// mode: write
MATCH (l:RefreshLock {id: 'refresh', runId: $runId})
WHERE l.expiresAt > datetime()
SET l.touchedAt = datetime()
WITH l
MATCH (r:RefreshRun {id: $runId, status: 'running'})
SET r.status = 'succeeded', r.finishedAt = datetime(), r.timings = $timings,
    r.metrics = $metrics
MERGE (p:CurrentRun {id: 'current'})
SET p.runId = $runId, p.switchedAt = datetime()
WITH l, r
CALL () {
  MATCH (old:Serving)
  REMOVE old:Serving
}
CALL () {
  MATCH (c:Community {runId: $runId})
  SET c:Serving
}
CALL () {
  MATCH (old:Leader)
  REMOVE old:Leader
}
CALL () {
  MATCH (:Community {runId: $runId})<-[m:MEMBER_OF]-(a:Account)
  WHERE m.leaderRank <= 5
  SET a:Leader
}
SET l.runId = null, l.expiresAt = null, l.owner = null
RETURN count(*) AS switched
