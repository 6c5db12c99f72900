// purpose: make sure every referenced account exists; unknown ones become placeholders
//          (filled in when their profile arrives)
// params: ids
// mode: write
UNWIND $ids AS id
MERGE (a:Account {id: id})
ON CREATE SET a.placeholder = true
