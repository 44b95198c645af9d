// Every scenario of the shipped library, in the order the old `-scenario all` ran them.
include "stdlib:packet-loss"
include "stdlib:latency"
include "stdlib:multi-failure"
