// purpose: per-run adoption curves of items (Rogers categories overall and per community,
//          early-adopter leaders)
// params: rows
// mode: write
UNWIND $rows AS row
CREATE (i:ItemAdoption)
SET i = row
