// purpose: the followers of the given accounts (mobilisation of followers)
// params: ids
// mode: read
UNWIND $ids AS id
MATCH (f:Account)-[:FOLLOWS]->(:Account {id: id})
RETURN id, collect(f.id) AS followers
