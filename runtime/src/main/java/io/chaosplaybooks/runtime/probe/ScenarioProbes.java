package io.chaosplaybooks.runtime.probe;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.Probe;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The probes of one scenario, asked while it runs: each on its own thread at its own rate (a slow
 * answer delays only its own probe), from the scenario's start until {@link #close()}.
 * <pre>
 *  every `every`: ask ─► ProbeSamples (read by expectations, gates, aborts) ─► RunEvent.ProbeSample (journal)
 * </pre>
 */
public final class ScenarioProbes implements AutoCloseable {
    /** How long a Prometheus query may take: it is asked once a second. */
    static final Duration PROMETHEUS_TIMEOUT = Duration.ofSeconds(1);

    /** One client for every probe of the process (its selector thread is a daemon): no redirects followed, a health check answers itself. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(1)).build();

    private final ScheduledExecutorService threads;

    private ScenarioProbes(ScheduledExecutorService threads) {
        this.threads = threads;
    }

    /**
     * Each {@code prometheus(...)} probe of these scenarios, as {@code file:line:col: why}, when there is no Prometheus
     * to ask ({@code prometheus} null): a run refuses to start then.
     */
    public static List<String> withoutPrometheus(List<Scenario> scenarios, URI prometheus) {
        if (prometheus != null) return List.of();
        return scenarios.stream().flatMap(s -> s.probeReaders().stream())
            .filter(e -> e.probe() instanceof Probe.PrometheusQuery)
            .map(e -> e.probe().pos() + ": " + e.probe().describe() + " needs a Prometheus to ask: give chaos run --prometheus URL,"
                + " or write prometheus \"http://...\" in the playbook")
            .distinct().toList();
    }

    /** The Prometheus of a run: the command line's, else the playbook's, else null. */
    public static URI prometheus(URI given, String playbooks) {
        return given != null ? given : playbooks == null ? null : URI.create(playbooks);
    }

    /** Nothing to ask. */
    public static ScenarioProbes none() {
        return new ScenarioProbes(null);
    }

    /**
     * Starts asking every probe the scenario reads.
     *
     * @param prometheus the Prometheus that {@code prometheus(...)} probes ask (the run checked there is one when needed)
     * @param originNanos the run's start on {@link System#nanoTime()}: events' times count from it
     */
    public static ScenarioProbes start(Scenario scenario, URI prometheus, ProbeSamples into, RunListener events, long originNanos) {
        return start(scenario, prometheus, CLIENT, into, events, originNanos);
    }

    static ScenarioProbes start(Scenario scenario, URI prometheus, HttpClient client, ProbeSamples into, RunListener events,
                                long originNanos) {
        Map<String, Probe> probes = new LinkedHashMap<>();
        Map<String, Set<String>> texts = new LinkedHashMap<>();
        for (Expectation e : scenario.probeReaders()) {
            Probe p = e.probe();
            probes.putIfAbsent(p.describe(), p);
            Set<String> t = texts.computeIfAbsent(p.describe(), k -> new LinkedHashSet<>());
            if (e instanceof Expectation.ProbeContains c) t.add(c.text());
        }
        if (probes.isEmpty()) return none();
        ScheduledExecutorService threads = Executors.newScheduledThreadPool(probes.size(), r -> {
            Thread t = new Thread(r, "chaos-probe");
            t.setDaemon(true);
            return t;
        });
        for (var entry : probes.entrySet()) {
            String name = entry.getKey();
            Probe p = entry.getValue();
            List<String> looked = new ArrayList<>(texts.get(name));
            Runnable ask = () -> {
                long sent = System.nanoTime();
                double ms = RunEvent.ms(sent, originNanos);
                RunEvent.ProbeSample sample;
                try {
                    sample = switch (p) {
                        case Probe.PrometheusQuery q -> {
                            PrometheusQuery.Answer a = PrometheusQuery.ask(client, prometheus, q.query(), PROMETHEUS_TIMEOUT);
                            yield new RunEvent.ProbeSample(scenario.name(), name, a.value(), null, null, null, a.error(), ms);
                        }
                        case Probe.Http h -> {
                            HttpCheck.Answer a = HttpCheck.get(client, h.url(), h.timeout(), looked);
                            yield new RunEvent.ProbeSample(scenario.name(), name, null, a.status(), a.latencyMs(), a.bodyHas(), a.error(), ms);
                        }
                    };
                } catch (InterruptedException stopping) {
                    return;
                } catch (RuntimeException e) {
                    sample = new RunEvent.ProbeSample(scenario.name(), name, null, null, null, null, "probe failed: " + e, ms);
                }
                into.add(sent, sample);
                events.on(sample);
            };
            threads.scheduleAtFixedRate(ask, 0, p.every().toNanos(), TimeUnit.NANOSECONDS);
        }
        return new ScenarioProbes(threads);
    }

    /** Stops asking; a request under way is abandoned. */
    @Override
    public void close() {
        if (threads == null) return;
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
