// A playbook for CI and for trying the tool in a minute: latency, loss and a two-server fault,
// each with phases of a few seconds.
playbook "smoke" {
    description "Latency, packet loss and a two-of-three partition, in about a minute"
    servers 3
    load {
        clients 20
        mix get: 0.9, set: 0.1
        keys 1_000
        valueSize 100.bytes
        timeout 100.ms
        breaker failureRate: 50.percent, openFor: 2.s, window: 100
    }

    scenario "smoke-latency" {
        description "+200 ms on server 1: its calls time out and its breaker opens"
        tags "smoke", "latency"
        stabilize 5.s
        inject latency(200.ms) on server(1) for 5.s
        recover 8.s
        expect errorRate < 1.percent during stabilize
        expect breaker(server(1)).opened during inject
        expect breaker(server(1)).closed during recover
        expect recoveredWithin(6.s)
    }

    scenario "smoke-packet-loss" {
        description "5% packet loss on server 2: retransmission delays stall its connection; the other servers carry on"
        tags "smoke", "packet-loss"
        stabilize 5.s
        inject packetLoss(5.percent) on server(2) for 5.s
        recover 8.s
        expect errorRate < 1.percent during stabilize
        expect errorRate < 40.percent during inject
        expect breaker(server(2)).closed during recover
    }

    scenario "smoke-partition" {
        description "Servers 1 and 2 cut off: both breakers open, server 3 takes the traffic, recovery closes them"
        tags "smoke", "multi-server", "partition"
        stabilize 5.s
        inject packetLoss(1.0) on servers(1, 2) for 5.s
        recover 8.s
        expect breaker(servers(1, 2)).opened during inject
        expect breaker(server(3)).stayedClosed during inject
        expect breaker(servers(1, 2)).closed during recover
    }
}
