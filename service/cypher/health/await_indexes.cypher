// purpose: wait (up to 5 minutes) until every index is online, after applying the schema
// params: none
// mode: read
CALL db.awaitIndexes(300)
