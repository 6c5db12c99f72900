// purpose: after a bulk import, stamp the data version node with the time it changed
// params: none
// mode: write
MATCH (m:DataVersion {id: 'data'})
SET m.changedAt = datetime()
