// purpose: the precomputed map (communities as nodes, weighted links) of each level of a run
// params: rows
// mode: write
UNWIND $rows AS row
CREATE (m:MapLevel)
SET m = row
