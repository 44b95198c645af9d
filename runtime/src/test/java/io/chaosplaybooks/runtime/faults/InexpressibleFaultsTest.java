package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.dsl.plan.Step;
import io.chaosplaybooks.dsl.plan.Target;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A run asks the backend about every fault of its plan, however deeply nested, before it starts. */
class InexpressibleFaultsTest {
    /** Answers only the question asked before a run: refuses what a stock Toxiproxy refuses, a partial packet loss. */
    private final FaultBackend stock = new FaultBackend() {
        @Override
        public Optional<String> cannotExpress(Fault f) {
            return f.type() == FaultType.PACKET_LOSS && f.attributes().get("rate").doubleValue() < 1 ? Optional.of("no") : Optional.empty();
        }

        public String name() { return "stock"; }
        public String addProxy(String server, String upstream) { throw new UnsupportedOperationException(); }
        public Handle apply(String server, Fault fault) { throw new UnsupportedOperationException(); }
        public void remove(Handle handle) { throw new UnsupportedOperationException(); }
        public void removeAll() {}
        public void close() {}
    };

    private static Step inject(double lossRate, int line) {
        SourcePos pos = new SourcePos("p.groovy", line, 9);
        Fault loss = new Fault(FaultType.PACKET_LOSS, Map.of("rate", lossRate), FaultType.PACKET_LOSS.defaultDirection(), 1.0, pos);
        Fault latency = new Fault(FaultType.LATENCY, Map.of("latency", 5, "jitter", 0), FaultType.LATENCY.defaultDirection(), 1.0, pos);
        return new Step.Inject(List.of(latency, loss), Target.all(pos), Duration.ofSeconds(1), pos);
    }

    @Test
    void everyRefusedFaultIsNamedWithItsPosition() {
        SourcePos at = SourcePos.UNKNOWN;
        var nested = new Step.Named("n", Duration.ZERO, false, List.of(
            new Step.Repeat(2, List.of(new Step.Parallel(List.of(inject(0.05, 7), inject(1.0, 8)), at)), at)), at);
        var scenarios = List.of(
            new Scenario("a", "", List.of(), List.of(new Step.Stabilize(Duration.ofSeconds(1), at), inject(0.2, 3)), List.of(), at),
            new Scenario("b", "", List.of(), List.of(nested), List.of(), at),
            new Scenario("c", "", List.of(), List.of(inject(1.0, 12)), List.of(), at));
        assertEquals(List.of("p.groovy:3:9: no", "p.groovy:7:9: no"), FaultBackend.inexpressible(stock, scenarios));
    }
}
