package io.chaosplaybooks.runtime.serve;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.runtime.control.ControlEndpoint;
import io.chaosplaybooks.runtime.http.ApiServer;
import io.chaosplaybooks.runtime.http.ServerSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code chaos serve}: playbooks loaded and watched, their schedules fired, runs started by schedules
 * or the API and kept as history, all on one HTTP port (the API, the web page, {@code /metrics}):
 * <pre>
 *  PlaybookCatalog ─► ScheduleBook ─┐
 *                    API (POST runs)─┴► RunSupervisor ─► PlaybookRunner (as chaos run) ─► RunIndex (state dir)
 * </pre>
 */
public final class ChaosService implements AutoCloseable {
    /**
     * How the service runs.
     *
     * @param playbooks     files and directories of playbooks
     * @param loader        loads one playbook file (the CLI's loader, with its library roots)
     * @param stateDir      where the run history lives
     * @param bearerToken   required on every API call when set (the page and its script excepted)
     * @param timeScale     the time scale of scheduled runs, and of API runs that name none
     * @param poll          how often the playbook files are checked for changes
     * @param log           one line per event worth a log line (runs started and ended, playbooks loaded)
     */
    public record Settings(List<Path> playbooks, Function<Path, LoadResult> loader, Path stateDir, String host, int port,
                           String bearerToken, int maxConcurrent, int keep, double timeScale, Duration poll, Consumer<String> log) {
        public Settings {
            playbooks = List.copyOf(playbooks);
        }
    }

    private final RunIndex index;
    private final RunSupervisor runs;
    private final PlaybookCatalog catalog;
    private final ScheduleBook schedules;
    private final ApiServer api;
    private final ControlEndpoint control;

    private ChaosService(RunIndex index, RunSupervisor runs, PlaybookCatalog catalog, ScheduleBook schedules, ApiServer api,
                         ControlEndpoint control) {
        this.index = index;
        this.runs = runs;
        this.catalog = catalog;
        this.schedules = schedules;
        this.api = api;
        this.control = control;
    }

    /**
     * Loads the history and the playbooks, starts the schedules and serves.
     *
     * @throws IOException when the state directory cannot be used or the port cannot be bound (the message says which)
     */
    public static ChaosService start(Settings s) throws IOException {
        RunIndex index = new RunIndex(s.stateDir(), s.keep(), s.log());
        ControlEndpoint control = register(s.log());
        RunSupervisor runs = new RunSupervisor(index, s.maxConcurrent(), s.log(), control);
        java.util.concurrent.atomic.AtomicReference<PlaybookCatalog> catalogRef = new java.util.concurrent.atomic.AtomicReference<>();
        ServedSchedules schedules = new ServedSchedules(s.stateDir(), runs, index,
            file -> catalogRef.get() == null ? null : catalogRef.get().entry(file), s.timeScale(), s.log());
        PlaybookCatalog catalog = new PlaybookCatalog(s.playbooks(), s.loader(), s.poll(), change -> {
            if (change.now() == null) s.log().accept("playbook " + change.file() + " is gone");
            else if (change.now().ok()) s.log().accept("playbook " + change.file() + (change.before() == null ? " loaded" : " loaded again"));
            else s.log().accept("playbook " + change.file() + " has problems (its schedules pause until they are fixed):\n  "
                + String.join("\n  ", change.now().problems()));
            schedules.playbookChanged(change);
        });
        catalogRef.set(catalog);
        schedules.start();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("chaos_serve_runs_running", runs, r -> r.running().size()).description("runs under way").register(metrics);
        Gauge.builder("chaos_serve_playbooks_invalid", catalog, c -> c.entries().stream().filter(e -> !e.ok()).count())
            .description("playbook files with problems").register(metrics);
        ServerSettings settings = ServerSettings.of(s.host(), s.port()).withBearerToken(s.bearerToken())
            .forWebPage(new HashSet<>(ServeApi.WEB.keySet()));
        ApiServer api;
        try {
            api = ApiServer.start(settings, new ServeApi(catalog, runs, index, schedules, metrics, s.timeScale()).router());
        } catch (IOException e) {
            schedules.close();
            catalog.close();
            if (control != null) control.close();
            throw e;
        }
        return new ChaosService(index, runs, catalog, schedules, api, control);
    }

    /**
     * This process in the machine's registry of runs ({@code chaos status}, {@code stop}, {@code pause}, {@code resume});
     * a server that cannot register serves on without, saying why.
     */
    private static ControlEndpoint register(java.util.function.Consumer<String> log) {
        try {
            return ControlEndpoint.open("serve");
        } catch (IOException | RuntimeException e) {
            log.accept("runs of this server cannot be reached by chaos status/stop/pause: " + e.getMessage());
            return null;
        }
    }

    public int port() {
        return api.port();
    }

    public String url() {
        String host = api.host();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + api.port() + "/";
    }

    /** The ids of the runs under way. */
    public List<String> running() {
        return runs.running();
    }

    /**
     * Stops the schedules and every run (each with the full cleanup, recorded as stopped by {@code by}),
     * then the HTTP server.
     *
     * @return the runs that did not stop within the cleanup's deadline (empty when all did)
     */
    public List<String> shutdown(String by) {
        schedules.close();
        catalog.close();
        List<String> left = runs.stopAll(by);
        api.close();
        if (control != null) control.close();
        return left;
    }

    @Override
    public void close() {
        shutdown("the server's shutdown");
    }
}
