// purpose: mark a run succeeded, make it the serving run and release its lock, in one
//          transaction (a client that sees "succeeded" can start the next refresh at once).
//          The serving run's communities carry the label :Serving, moved here in the same
//          transaction, so analysts select them without joining through :CurrentRun; the
//          accounts the API lists as their leaders (leaderRank <= 5, analytics.py's
//          LEADERS_PER_COMMUNITY) carry :Leader, moved the same way (Browser styles both)
// params: runId, timings, metrics
// mode: write
MATCH (r:RefreshRun {id: $runId})
SET r.status = 'succeeded', r.finishedAt = datetime(), r.timings = $timings,
    r.metrics = $metrics
MERGE (p:CurrentRun {id: 'current'})
SET p.runId = $runId, p.switchedAt = datetime()
WITH r
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
OPTIONAL MATCH (l:RefreshLock {id: 'refresh', runId: $runId})
SET l.runId = null, l.expiresAt = null
