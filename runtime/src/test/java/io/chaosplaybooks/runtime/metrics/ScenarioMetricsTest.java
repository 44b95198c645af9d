package io.chaosplaybooks.runtime.metrics;

import io.chaosplaybooks.runtime.exec.ActionPlan;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.exec.ScenarioExecutor;
import io.chaosplaybooks.runtime.exec.TargetResolver;
import io.chaosplaybooks.runtime.exec.VirtualClock;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Fault;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioMetricsTest {
    record H(String server, Fault fault) implements FaultBackend.Handle {}

    static final FaultBackend NOOP = new FaultBackend() {
        public String name() { return "noop"; }
        public String addProxy(String server, String upstream) { return upstream; }
        public Handle apply(String server, Fault fault) { return new H(server, fault); }
        public void remove(Handle h) {}
        public void removeAll() {}
        public void close() {}
    };

    @Test
    void phasesAndToxicsAppearWithTheNamesTheOldDashboardsUse() {
        var r = new PlaybookLoader().loadText("m.groovy",
            "scenario \"packet-loss-10\" { stabilize 30.s; inject packetLoss(0.1) on server(1) for 1.min; recover 60.s }\n"
                + "scenario \"lat\" { stabilize 1.s; inject latency(200.ms, jitter: 20.ms) on servers(2, 3) for 1.s; recover 1.s }");
        assertTrue(r.ok(), r.formatProblems());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<String> servers = List.of("server-1", "server-2", "server-3");
        ScenarioMetrics metrics = new ScenarioMetrics(registry, servers);
        List<String> scrapes = new ArrayList<>();
        RunListener snap = e -> {
            if (e instanceof RunEvent.FaultApplied || e instanceof RunEvent.PhaseStart p && p.phase().equals("recover")) scrapes.add(registry.scrape());
        };
        VirtualClock clock = new VirtualClock();
        var exec = new ScenarioExecutor(clock, NOOP, new TargetResolver(servers, 1), RunListener.all(List.of(metrics, snap)), 0);
        for (var s : r.playbook().scenarios()) {
            exec.run(s, clock.nanos(), 1.0);
            metrics.on(new RunEvent.ExpectationResult(s.name(), 1, "errorRate < 1%", s.name().equals("lat"), "< 1%", "0%", "m.groovy:1:1"));
            metrics.on(new RunEvent.Verdict(s.name(), 1, "pass", List.of(), java.util.Map.of()));
        }
        String during = scrapes.get(0);
        assertTrue(during.contains("scenario_phase{scenario=\"packet-loss-10\"} 2.0"), during);
        assertTrue(during.contains("scenario_active 1.0"), during);
        assertTrue(during.contains("toxiproxy_toxic_active{server=\"server-1\",type=\"loss\"} 1.0"), during);
        assertTrue(during.contains("toxiproxy_toxic_value{param=\"rate\",server=\"server-1\",type=\"loss\"} 0.1"), during);
        assertTrue(during.contains("scenario_phase_duration_seconds{phase=\"inject\",scenario=\"packet-loss-10\"} 60.0"), during);
        String recovering = scrapes.get(1);
        assertTrue(recovering.contains("scenario_phase{scenario=\"packet-loss-10\"} 3.0"), recovering);
        assertTrue(recovering.contains("toxiproxy_toxic_active{server=\"server-1\",type=\"loss\"} 0.0"), recovering);
        String latency = scrapes.get(3);
        assertTrue(latency.contains("toxiproxy_toxic_value{param=\"latency_ms\",server=\"server-3\",type=\"latency\"} 200.0"), latency);
        assertTrue(latency.contains("toxiproxy_toxic_value{param=\"rate\",server=\"server-1\",type=\"loss\"} 0.0"),
            "toxic metrics read zero at the next scenario's start:\n" + latency);
        String end = registry.scrape();
        assertTrue(end.contains("scenario_runs_total{scenario=\"packet-loss-10\",status=\"pass\"} 1.0"), end);
        assertTrue(end.contains("scenario_active 0.0"), end);
        assertTrue(end.contains("chaos_expectation_result{expectation=\"errorRate < 1%\",scenario=\"lat\"} 1.0"), end);
        assertTrue(end.contains("chaos_expectation_result{expectation=\"errorRate < 1%\",scenario=\"packet-loss-10\"} 0.0"), end);
    }
}
