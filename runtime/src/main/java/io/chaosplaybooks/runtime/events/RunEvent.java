package io.chaosplaybooks.runtime.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.runtime.load.BreakerTransition;
import io.chaosplaybooks.runtime.load.LoadWindow;
import io.chaosplaybooks.runtime.load.ServerWindow;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that happens in a run, as data: what the executor, the load engine and the verdict
 * report, what the journal writes (one JSON object per line, {@code "event"} naming the record)
 * and what reports read back. Times are milliseconds from the run's start, to the microsecond;
 * {@code plannedMs} is a deadline, {@code actualMs} when it happened. docs/run-events.md lists them.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({@JsonSubTypes.Type(RunEvent.RunStart.class), @JsonSubTypes.Type(RunEvent.ScenarioStart.class),
    @JsonSubTypes.Type(RunEvent.PhaseStart.class), @JsonSubTypes.Type(RunEvent.FaultApplied.class),
    @JsonSubTypes.Type(RunEvent.FaultRemoved.class), @JsonSubTypes.Type(RunEvent.ActionFailed.class),
    @JsonSubTypes.Type(RunEvent.ScenarioEnd.class), @JsonSubTypes.Type(RunEvent.BreakerChange.class),
    @JsonSubTypes.Type(RunEvent.LoadSecond.class), @JsonSubTypes.Type(RunEvent.ExpectationResult.class),
    @JsonSubTypes.Type(RunEvent.Verdict.class), @JsonSubTypes.Type(RunEvent.RunEnd.class),
    @JsonSubTypes.Type(RunEvent.RunStopped.class), @JsonSubTypes.Type(RunEvent.Paused.class), @JsonSubTypes.Type(RunEvent.Resumed.class),
    @JsonSubTypes.Type(RunEvent.ServerLost.class), @JsonSubTypes.Type(RunEvent.LoadChanged.class),
    @JsonSubTypes.Type(RunEvent.ProbeSample.class), @JsonSubTypes.Type(RunEvent.ScenarioAborted.class)})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface RunEvent {
    /** The journal's format; a journal without it (the first tool's) is schema 1. */
    int SCHEMA = 2;

    /** Milliseconds from {@code originNanos} to {@code nanos}, to the microsecond. */
    static double ms(long nanos, long originNanos) {
        return Math.round((nanos - originNanos) / 1e3) / 1e3;
    }

    /** Milliseconds from {@code origin} to {@code at}, to the microsecond. */
    static double ms(Instant at, Instant origin) {
        return Math.round(Duration.between(origin, at).toNanos() / 1e3) / 1e3;
    }

    /** An event that had a deadline: its lag is how late it happened. */
    sealed interface Timed extends RunEvent {
        double plannedMs();

        double actualMs();

        @JsonProperty("lagMs")
        default double lagMs() {
            return Math.round((actualMs() - plannedMs()) * 1e3) / 1e3;
        }
    }

    /**
     * The journal's first line. {@code plan} identifies what ran: a hash of the playbook's source and
     * the selected scenarios, so that two journals of the same plan can be told apart from two of different ones.
     */
    @JsonTypeName("run-start")
    record RunStart(Integer schema, String runId, String wall, String playbook, String file, String plan, String backend,
                    long seed, double timeScale, List<String> serverNames, List<String> servers, List<String> proxies,
                    String targets, List<String> scenarios, String load, String replayOf) implements RunEvent {
        /**
         * A run-start without the load it drove and without a replayed journal. {@code load} is the playbook's
         * {@code load { }} block as written (empty: the defaults; absent in journals older than the field);
         * {@code replayOf} names the journal a replay plays back.
         */
        public RunStart(Integer schema, String runId, String wall, String playbook, String file, String plan, String backend,
                        long seed, double timeScale, List<String> serverNames, List<String> servers, List<String> proxies,
                        String targets, List<String> scenarios) {
            this(schema, runId, wall, playbook, file, plan, backend, seed, timeScale, serverNames, servers, proxies, targets,
                scenarios, null, null);
        }

        public RunStart withLoad(String written) {
            return new RunStart(schema, runId, wall, playbook, file, plan, backend, seed, timeScale, serverNames, servers, proxies,
                targets, scenarios, written, replayOf);
        }

        public RunStart withReplayOf(String journal) {
            return new RunStart(schema, runId, wall, playbook, file, plan, backend, seed, timeScale, serverNames, servers, proxies,
                targets, scenarios, load, journal);
        }
    }

    @JsonTypeName("scenario-start")
    record ScenarioStart(String scenario, double plannedMs, double actualMs) implements Timed {}

    /** A phase ({@code stabilize}, {@code inject}, {@code recover}, {@code wait}, {@code step}...) of a scenario; {@code step} names an enclosing step. */
    @JsonTypeName("phase-start")
    record PhaseStart(String scenario, String phase, String step, double lengthMs, double plannedMs, double actualMs) implements Timed {}

    /** A fault put on a server; {@code fault} is how the playbook would write it. */
    @JsonTypeName("fault-applied")
    record FaultApplied(String scenario, String server, String fault, String type, Map<String, Number> attributes,
                        String direction, Double toxicity, double plannedMs, double actualMs) implements Timed {
        public static FaultApplied of(String scenario, String server, Fault f, double plannedMs, double actualMs) {
            return new FaultApplied(scenario, server, f.describe(), f.type().word(), f.attributes(), f.direction().toxiproxyStream(),
                f.toxicity(), plannedMs, actualMs);
        }
    }

    /** A fault taken off a server, and why ({@code inject ended}, {@code heal}, {@code scenario end}, a reset). */
    @JsonTypeName("fault-removed")
    record FaultRemoved(String scenario, String server, String fault, String type, Map<String, Number> attributes,
                        String direction, Double toxicity, String why, double plannedMs, double actualMs) implements Timed {
        public static FaultRemoved of(String scenario, String server, Fault f, String why, double plannedMs, double actualMs) {
            return new FaultRemoved(scenario, server, f.describe(), f.type().word(), f.attributes(), f.direction().toxiproxyStream(),
                f.toxicity(), why, plannedMs, actualMs);
        }
    }

    /** Something the scenario had to do and could not (apply or remove a fault), or the scenario stopping because of it. */
    @JsonTypeName("action-failed")
    record ActionFailed(String scenario, String what, double actualMs) implements RunEvent {}

    @JsonTypeName("scenario-end")
    record ScenarioEnd(String scenario, double plannedMs, double actualMs) implements Timed {}

    /** A server's circuit breaker changed state: {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}. */
    @JsonTypeName("breaker")
    record BreakerChange(String server, String from, String to, double actualMs) implements RunEvent {
        public static BreakerChange of(BreakerTransition t, Instant origin) {
            return new BreakerChange(t.server(), t.from().name(), t.to().name(), ms(t.at(), origin));
        }
    }

    /** One server's share of a second of load; {@code breaker} is its state at the second's end ({@code closed}, {@code open}, {@code half_open}). */
    record ServerSecond(long ops, long errors, String breaker, Double p99Ms) {}

    /**
     * One second of load over all servers. {@code latencyMicros} is the second's latency histogram in
     * microseconds (HdrHistogram, compressed, base64), so that percentiles over a phase are exact.
     */
    @JsonTypeName("load-second")
    record LoadSecond(double startMs, double endMs, long operations, long errors, double opsPerSecond, double errorRate,
                      Double p50Ms, Double p99Ms, Map<String, ServerSecond> servers, String latencyMicros) implements RunEvent {
        public LoadSecond {
            if (servers == null) servers = Map.of();
        }

        public static LoadSecond of(LoadWindow w, Instant origin) {
            ServerWindow t = w.total();
            Map<String, ServerSecond> servers = new LinkedHashMap<>();
            for (ServerWindow s : w.servers()) {
                servers.put(s.server(), new ServerSecond(s.operations(), s.errors(), s.breaker() == null ? null : s.breaker().tag(),
                    s.latency() == null ? null : s.latency().p99Ms()));
            }
            return new LoadSecond(ms(w.start(), origin), ms(w.end(), origin), t.operations(), t.errors(), Math.round(w.opsPerSecond()),
                t.errorRate(), t.latency() == null ? null : t.latency().p50Ms(), t.latency() == null ? null : t.latency().p99Ms(),
                servers, encode(micros(w.latencyNanos())));
        }

        /** The second's latencies in microseconds, or null when none were recorded. */
        public Histogram histogram() {
            if (latencyMicros == null) return null;
            try {
                return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(latencyMicros)), 0);
            } catch (java.util.zip.DataFormatException e) {
                throw new IllegalArgumentException("latencyMicros is not an encoded histogram", e);
            }
        }

        private static Histogram micros(Histogram nanos) {
            if (nanos == null || nanos.getTotalCount() == 0) return null;
            Histogram micros = new Histogram(3);
            for (var v : nanos.recordedValues()) {
                micros.recordValueWithCount(Math.max(1, v.getValueIteratedTo() / 1000), v.getCountAtValueIteratedTo());
            }
            return micros;
        }

        private static String encode(Histogram h) {
            if (h == null) return null;
            ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int n = h.encodeIntoCompressedByteBuffer(b);
            return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b.array(), n));
        }
    }

    /**
     * One expectation of a scenario judged: what was expected, what was measured, where the playbook
     * says it. {@code notJudged}: why the expectation could not be judged at the run's time scale
     * ({@code ok} is then false and {@code measured} absent); absent when it was judged, as in every
     * journal written before the field existed.
     */
    @JsonTypeName("expectation")
    record ExpectationResult(String scenario, int iteration, String expectation, boolean ok, String expected, String measured,
                             String position, String notJudged) implements RunEvent {
        /** A judged expectation. */
        public ExpectationResult(String scenario, int iteration, String expectation, boolean ok, String expected, String measured,
                                 String position) {
            this(scenario, iteration, expectation, ok, expected, measured, position, null);
        }

        public boolean judged() {
            return notJudged == null;
        }
    }

    /** A scenario's verdict ({@code pass}, {@code fail}, {@code error}) after its expectations, with its figures. */
    @JsonTypeName("verdict")
    record Verdict(String scenario, int iteration, String status, List<String> errors, Map<String, Object> figures) implements RunEvent {}

    @JsonTypeName("run-end")
    record RunEnd(boolean interrupted, double durationMs) implements RunEvent {}

    /** The run was stopped before its end: by whom ({@code SIGINT}, {@code SIGTERM}, a user of the control API). */
    @JsonTypeName("run-stopped")
    record RunStopped(String by, String reason, double actualMs) implements RunEvent {}

    @JsonTypeName("paused")
    record Paused(String by, double actualMs) implements RunEvent {}

    @JsonTypeName("resumed")
    record Resumed(String by, double actualMs) implements RunEvent {}

    /** A server of the run stopped accepting connections (exited, killed, unreachable): said once per server. */
    @JsonTypeName("server-lost")
    record ServerLost(String server, String address, String reason, double actualMs) implements RunEvent {}

    /** The load was changed by hand (a REPL's {@code load { }}): the new settings as written ({@code load { clients 20 }}). */
    @JsonTypeName("load-changed")
    record LoadChanged(String load, double actualMs) implements RunEvent {}

    /**
     * One answer of a probe ({@code probe} as the playbook writes it): a Prometheus query's {@code value}, or an
     * HTTP response's {@code status}, {@code latencyMs} and, for each text the playbook looks for, whether the
     * body has it ({@code bodyHas}); {@code error} when there was no answer to read (Prometheus's message, a
     * refused connection, a timeout). {@code actualMs}: when the request was sent.
     */
    @JsonTypeName("probe")
    record ProbeSample(String scenario, String probe, Double value, Integer status, Double latencyMs, Map<String, Boolean> bodyHas,
                       String error, double actualMs) implements RunEvent {}

    /**
     * A scenario stopped early by its own condition: a {@code require} gate that failed before the first fault
     * ({@code by} = {@code require}), or an {@code abortWhen} that held while faults were on ({@code by} =
     * {@code abortWhen}). {@code conditionMs}: when what showed it was measured (the load second's end, the
     * probe's request); {@code actualMs}: when the check saw it; {@code faultsRemovedMs}: when every fault was
     * off again (absent for a gate: none was on).
     */
    @JsonTypeName("aborted")
    record ScenarioAborted(String scenario, String by, String condition, String measured, String position, double conditionMs,
                           double actualMs, Double faultsRemovedMs) implements RunEvent {}
}
