// Packet loss on one server for one minute, between a 30 s baseline and 60 s of recovery.
//
// What the client should do, from the notes of the load generator this replaces:
//   2-5 %   handled gracefully: a few errors, the breaker stays closed;
//   10-20 % the breaker may trip: no promise either way;
//   50-100 % the breaker trips, the server's keys fail over to the others, recovery closes it.
// packetLossScenario is a template: a playbook that includes this file can call it with its own values,
// e.g.  packetLossScenario "packet-loss-30-pct", 0.3

template("packetLossScenario") { String name, Number rate ->
    scenario(name) {
        description "${(rate * 100).toInteger()}% packet loss on server 1 for 1 min" + (rate >= 1 ? ' (a partition)' : '')
        tags "packet-loss", "single-server"
        stabilize 30.s
        inject packetLoss(rate) on server(1) for 1.min
        recover 60.s
        expect errorRate < 1.percent during stabilize
        if (rate <= 0.05) {
            expect breaker(server(1)).stayedClosed during inject
            expect errorRate < 10.percent during inject
        }
        if (rate >= 0.5) {
            expect breaker(server(1)).opened during inject
            expect breaker(server(1)).closed during recover
        }
        expect recoveredWithin(30.s)
    }
}

packetLossScenario "packet-loss-2-pct", 0.02
packetLossScenario "packet-loss-5-pct", 0.05
packetLossScenario "packet-loss-10-pct", 0.10
packetLossScenario "packet-loss-20-pct", 0.20
packetLossScenario "packet-loss-50-pct", 0.50
packetLossScenario "packet-loss-100-pct", 1.0
