// purpose: an influence graph projected from parallel arrays of integer node ids (no
//          database scan): influence flows src[i] -> dst[i] over w[i] parallel
//          relationships (a pair with w units activates with probability 1-(1-p)^w);
//          community[node] is each node's community rank (-1: none), for per-community
//          filters. Rows are projected in the arrays' order
// params: graph, src, dst, w, community
// mode: read
UNWIND range(0, size($src) - 1) AS i
UNWIND range(1, $w[i]) AS unit
WITH gds.graph.project($graph, $src[i], $dst[i], {
       sourceNodeProperties: {community: $community[$src[i]]},
       targetNodeProperties: {community: $community[$dst[i]]},
       relationshipType: 'INFLUENCES'
     }) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
