// Two of three servers fail at once: only one healthy server is left, and all traffic must
// concentrate on it. Both affected breakers open during the fault and close in recovery.

scenario "multi-failure-2-servers-packet-loss" {
    description "100% packet loss on servers 1 and 2 of 3 for 1 min: both breakers open, traffic concentrates on server 3"
    tags "packet-loss", "multi-server", "partition"
    stabilize 30.s
    inject packetLoss(1.0) on servers(1, 2) for 1.min
    recover 60.s
    expect errorRate < 1.percent during stabilize
    expect breaker(servers(1, 2)).opened during inject
    expect breaker(server(3)).stayedClosed during inject
    expect breaker(servers(1, 2)).closed during recover
    expect recoveredWithin(30.s)
}

scenario "multi-failure-2-servers-latency" {
    description "+500 ms on servers 1 and 2 of 3 for 1 min: the client routes its traffic to the fast server"
    tags "latency", "multi-server"
    stabilize 30.s
    inject latency(500.ms) on servers(1, 2) for 1.min
    recover 60.s
    expect errorRate < 1.percent during stabilize
    expect breaker(servers(1, 2)).opened during inject
    expect breaker(server(3)).stayedClosed during inject
    expect recoveredWithin(30.s)
}
