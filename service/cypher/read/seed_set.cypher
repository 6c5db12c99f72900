// purpose: the precomputed seed set of one scope ('all' or a community id) of a run
// params: runId, scope
// mode: read
OPTIONAL MATCH (s:SeedSet {key: $runId + ':' + $scope})
RETURN s {.*} AS seeds
