// purpose: how one community changed across the kept runs: its size and label per run,
//          and who joined or left between consecutive runs (ids are stable across runs)
// params: communityId
// mode: read
// usage: :param communityId => 'c1'
MATCH (r:RefreshRun {status: 'succeeded'})
MATCH (c:Community {key: r.id + ':' + $communityId})
OPTIONAL MATCH (c)<-[:MEMBER_OF]-(a:Account)
WITH r, c, collect(a.id) AS members
ORDER BY r.createdAt
WITH collect({run: r.id, at: r.createdAt, size: c.size, label: c.label,
              members: members}) AS history
UNWIND range(0, size(history) - 1) AS i
WITH history[i] AS now, CASE WHEN i > 0 THEN history[i - 1] END AS before
RETURN now.run AS run, now.at AS at, now.size AS size, now.label AS label,
       [m IN now.members WHERE before IS NOT NULL AND NOT m IN before.members] AS joined,
       [m IN coalesce(before.members, []) WHERE NOT m IN now.members] AS left
