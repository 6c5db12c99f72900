// purpose: record that an account was deleted (who asked and when, never which account)
//          and bump the data version so the next `refresh --if-changed` runs
// params: by
// mode: write
CREATE (d:AccountDeletion {id: randomUUID(), at: datetime(), by: $by})
MERGE (v:DataVersion {id: 'data'})
SET v.changedAt = datetime(), v.version = coalesce(v.version, 0) + 1
RETURN d.id AS id, toString(d.at) AS at
