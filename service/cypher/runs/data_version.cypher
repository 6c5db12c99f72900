// purpose: the data version counter that every changing write bumps
// params: none
// mode: read
OPTIONAL MATCH (m:DataVersion {id: 'data'})
RETURN coalesce(m.version, 0) AS version
