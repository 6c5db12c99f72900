// purpose: record a refresh run (queued, running or skipped)
// params: runId, status, params, dataVersion
// mode: write
CREATE (r:RefreshRun {id: $runId, status: $status, params: $params, dataVersion: $dataVersion,
                      createdAt: datetime()})
SET r.startedAt = CASE WHEN $status IN ['running', 'skipped'] THEN datetime() END,
    r.finishedAt = CASE WHEN $status = 'skipped' THEN datetime() END
RETURN r.id AS id
