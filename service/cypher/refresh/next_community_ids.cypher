// purpose: reserve n fresh community ids (a counter node; ids are never reused)
// params: n
// mode: write
MERGE (k:Counter {id: 'community'})
ON CREATE SET k.value = 0
SET k.value = k.value + $n
RETURN k.value - $n AS first
