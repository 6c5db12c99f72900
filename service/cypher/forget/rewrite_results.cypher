// purpose: store per-run results with a deleted account's entries taken out of their JSON
//          (seed sets also count how many entries were taken out: `redacted`)
// params: seedSets, communities, items, mapLevels
// mode: write
CALL () {
  UNWIND $seedSets AS row
  MATCH (s:SeedSet {key: row.key})
  SET s += row.props, s.redacted = coalesce(s.redacted, 0) + row.removed
}
CALL () {
  UNWIND $communities AS row
  MATCH (c:Community {key: row.key})
  SET c += row.props
}
CALL () {
  UNWIND $items AS row
  MATCH (i:ItemAdoption {key: row.key})
  SET i += row.props
}
CALL () {
  UNWIND $mapLevels AS row
  MATCH (m:MapLevel {key: row.key})
  SET m += row.props
}
