// +200 ms on one server for a time between 100 ms and 2 min, between a 30 s baseline and 60 s
// of recovery. With the default 100 ms operation timeout every call to the slow server times out;
// an injection of 10 s or more fills the breaker's window and trips it.
// latencyScenario is a template: latencyScenario "latency-200ms-30s", 30.s

template("latencyScenario") { String name, java.time.Duration length ->
    scenario(name) {
        description "+200 ms on server 1 for ${io.chaosplaybooks.dsl.plan.Units.format(length)}"
        tags "latency", "single-server"
        stabilize 30.s
        inject latency(200.ms) on server(1) for length
        recover 60.s
        expect errorRate < 1.percent during stabilize
        if (length >= 10.s) {
            expect breaker(server(1)).opened during inject
        }
        expect recoveredWithin(30.s)
    }
}

latencyScenario "latency-200ms-100ms", 100.ms
latencyScenario "latency-200ms-1s", 1.s
latencyScenario "latency-200ms-5s", 5.s
latencyScenario "latency-200ms-10s", 10.s
latencyScenario "latency-200ms-40s", 40.s
latencyScenario "latency-200ms-2m", 2.min
