// purpose: one page of a run's communities, filtered by size and topic, with the total
// params: runId, minSize, topic, sort, offset, limit
// mode: read
MATCH (c:Community {runId: $runId})
WHERE c.size >= $minSize
  AND ($topic IS NULL OR $topic IN c.topTopics OR $topic IN c.distinctiveTopics)
WITH c
ORDER BY
  CASE WHEN $sort = 'size' THEN c.size END DESC,
  CASE WHEN $sort = 'density' THEN c.density END DESC,
  CASE WHEN $sort = 'conductance' THEN c.conductance END ASC,
  CASE WHEN $sort = 'modularity' THEN c.modularity END DESC,
  c.rank ASC
WITH collect(c {.*}) AS matching
RETURN size(matching) AS total, matching[$offset..($offset + $limit)] AS communities
