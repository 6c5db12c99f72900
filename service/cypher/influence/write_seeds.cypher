// purpose: per-run seed sets (CELF order with marginal spread) and baseline spreads
// params: rows
// mode: write
UNWIND $rows AS row
CREATE (s:SeedSet)
SET s = row
