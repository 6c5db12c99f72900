// purpose: the coarsest map level of some runs (its communities carry the labels that may
//          name a deleted leader)
// params: keys
// mode: read
MATCH (m:MapLevel)
WHERE m.key IN $keys
RETURN m.key AS key, m.communities AS communities
