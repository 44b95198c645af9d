package io.chaosplaybooks.dsl.plan;

import java.time.Duration;

/**
 * Something outside the load engine that a run asks once in a while: a Prometheus query, an HTTP
 * endpoint. Plan data only: evaluating a playbook never contacts it; the runtime polls it while a
 * scenario runs, and expectations, gates and aborts read the samples.
 */
public sealed interface Probe {
    /** How often it is asked. */
    Duration every();

    SourcePos pos();

    /** How the playbook writes it; also the probe's name in the journal. */
    String describe();

    /** {@code prometheus("sum(rate(app_errors_total[30s]))")}: an instant query, asked of the run's Prometheus. */
    record PrometheusQuery(String query, Duration every, SourcePos pos) implements Probe {
        public String describe() {
            return "prometheus(\"" + query.replace("\\", "\\\\").replace("\"", "\\\"") + "\")";
        }
    }

    /** {@code http("http://127.0.0.1:8080/health", every: 2.s, timeout: 500.ms)}: a GET, its status, latency and body. */
    record Http(String url, Duration every, Duration timeout, SourcePos pos) implements Probe {
        /** The timeout when none is written: a second, or {@code every} when that is shorter. */
        public static Duration defaultTimeout(Duration every) {
            return every.compareTo(Duration.ofSeconds(1)) < 0 ? every : Duration.ofSeconds(1);
        }

        /** With its options when they are not the defaults: two probes of one URL at different rates are two probes. */
        public String describe() {
            String options = (every.equals(Duration.ofSeconds(1)) ? "" : ", every: " + Units.dsl(every))
                + (timeout.equals(defaultTimeout(every)) ? "" : ", timeout: " + Units.dsl(timeout));
            return "http(\"" + url + "\"" + options + ")";
        }
    }

    /** What an expectation reads from a probe's samples. */
    enum Reading {
        /** A Prometheus query's value. */
        VALUE(""),
        /** An HTTP response's status code. */
        STATUS(".status"),
        /** An HTTP request's time to the whole response, in milliseconds. */
        LATENCY(".latency"),
        /** An HTTP response's body (only {@code .contains}). */
        BODY(".body");

        private final String suffix;

        Reading(String suffix) { this.suffix = suffix; }

        public String suffix() { return suffix; }
    }
}
