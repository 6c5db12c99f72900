// purpose: an influence graph projected from parallel arrays of integer node ids (no
//          database scan): influence flows src[i] -> dst[i] over w[i] parallel
//          relationships (a pair with w units activates with probability 1-(1-p)^w).
//          Rows are projected in the arrays' order
// params: graph, src, dst, w
// mode: gds
UNWIND range(0, size($src) - 1) AS i
UNWIND range(1, $w[i]) AS unit
WITH gds.graph.project($graph, $src[i], $dst[i], {relationshipType: 'INFLUENCES'}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
