// purpose: the serving run (null before the first successful refresh)
// params: none
// mode: read
OPTIONAL MATCH (p:CurrentRun {id: 'current'})
OPTIONAL MATCH (r:RefreshRun {id: p.runId})
RETURN r.id AS runId, r.dataVersion AS dataVersion, r.params AS params
