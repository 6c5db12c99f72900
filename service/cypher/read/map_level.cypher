// purpose: the precomputed map of one level of a run, and how many levels it has
// params: runId, level
// mode: read
MATCH (m:MapLevel {runId: $runId})
WITH collect(m) AS levels
RETURN size(levels) AS levels,
       [x IN levels WHERE x.level = $level | x {.communities, .links}][0] AS map
