// purpose: record that the graph's data changed (refresh --if-changed compares against it)
// params: none
// mode: write
MERGE (m:DataVersion {id: 'data'})
SET m.changedAt = datetime(), m.version = coalesce(m.version, 0) + 1
