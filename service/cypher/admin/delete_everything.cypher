// purpose: delete every node and relationship, in batches (tests, benchmarks, forced imports)
// params: none
// mode: write
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
