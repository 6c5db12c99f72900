// purpose: whether the database holds no nodes at all (the bulk import refuses otherwise)
// params: none
// mode: read
OPTIONAL MATCH (n)
WITH n LIMIT 1
RETURN n IS NULL AS empty
