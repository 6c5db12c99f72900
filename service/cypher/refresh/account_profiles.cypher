// purpose: handles of the given accounts (for labels and leader lists)
// params: ids
// mode: read
UNWIND $ids AS id
MATCH (a:Account {id: id})
RETURN a.id AS id, a.handle AS handle
