// purpose: the adoption curve of one item in a run
// params: runId, item
// mode: read
MATCH (i:ItemAdoption {key: $runId + ':' + $item})
RETURN i {.*} AS item
