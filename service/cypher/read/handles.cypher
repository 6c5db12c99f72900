// purpose: handles of the given accounts
// params: ids
// mode: read
UNWIND $ids AS id
MATCH (a:Account {id: id})
RETURN a.id AS id, a.handle AS handle, a.followersCount AS followers_count
