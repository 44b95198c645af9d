package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.control.ControlClient;
import io.chaosplaybooks.runtime.control.LiveStatus;
import io.chaosplaybooks.runtime.control.LocalRuns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = {
        "Lists the runs going on: on this machine (every chaos run and chaos serve registers itself), or on a",
        "chaos serve elsewhere with --server. For each: run id, playbook, scenario i/N, phase and time left,",
        "ops/s, error rate, p99 of the last second, breakers that are not closed, and the faults on now.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos status",
        "  chaos status --format json",
        "  chaos status --server http://ci-box:9094 --token-file ~/.chaos-token",
        "",
        "Exit codes: 0 listed (also when nothing runs), 2 bad options, 3 the server did not answer.",
    })
final class StatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", description = "text or json (an array of run statuses) (default: ${DEFAULT-VALUE}).")
    OutputFormat format = OutputFormat.text;

    @Option(names = "--server", paramLabel = "URL", description = "Ask a chaos serve at URL (GET /api/runs?state=running) instead of this machine's registry.")
    URI server;

    @Option(names = "--token-file", paramLabel = "FILE", description = "With --server: send the token in FILE as 'Authorization: Bearer <token>'.")
    Path tokenFile;

    @Override
    public Integer call() throws Exception {
        if (tokenFile != null && server == null) throw new UserFacingException.Invalid("--token-file goes with --server");
        List<LiveStatus> runs;
        if (server != null) {
            if (server.getScheme() == null || !server.getScheme().matches("https?") || server.getHost() == null) {
                throw new UserFacingException.Invalid("--server must be an http:// or https:// URL, got " + server);
            }
            String token = tokenFile == null ? null : ProxyCommand.readToken(tokenFile);
            try {
                runs = new ControlClient(server, token).runs(true, Duration.ofSeconds(10));
            } catch (IOException | IllegalArgumentException e) {
                throw new UserFacingException.Failed("cannot list the runs of " + server + ": " + e.getMessage());
            }
        } else {
            runs = LocalRuns.here().statuses();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            out.println(Json.write(runs));
        } else {
            print(runs, out, server == null ? "on this machine" : "on " + server);
        }
        out.flush();
        return ExitCodes.OK;
    }

    static void print(List<LiveStatus> runs, PrintWriter out, String where) {
        if (runs.isEmpty()) {
            out.println("No run is going on " + where + ".");
            return;
        }
        for (LiveStatus s : runs) {
            out.printf(Locale.ROOT, "%s  %s  %s%s%n", s.runId(), s.playbook(), s.state(),
                (s.pid() == null ? "" : "  pid " + s.pid()) + (s.by() == null ? "" : "  by " + s.by()));
            if (s.scenario() != null) {
                out.printf(Locale.ROOT, "  scenario %s (%d/%d%s)%s%n", s.scenario(), s.scenarioIndex(), s.scenarioCount(),
                    s.iteration() != null && s.iteration() > 1 ? ", pass " + s.iteration() : "", phase(s));
            }
            if (s.opsPerSecond() != null) {
                out.printf(Locale.ROOT, "  load %.0f ops/s, errors %.2f%%, p99 %s%s%n", s.opsPerSecond(), s.errorRate() * 100,
                    s.p99Ms() == null ? "-" : String.format(Locale.ROOT, "%.1f ms", s.p99Ms()), breakers(s));
            }
            for (LiveStatus.ActiveFault f : s.faults()) {
                out.printf(Locale.ROOT, "  fault %s on %s%s%n", f.fault(), f.server(),
                    s.elapsedMs() == null ? "" : " for " + seconds(s.elapsedMs() - f.sinceMs()));
            }
        }
    }

    private static String phase(LiveStatus s) {
        if (s.phase() == null) return "";
        String p = ", " + s.phase() + (s.step() == null ? "" : " in step " + s.step());
        return p + (s.phaseLeftMs() == null ? "" : ", " + seconds(s.phaseLeftMs()) + " left of " + seconds(s.phaseLengthMs()));
    }

    private static String breakers(LiveStatus s) {
        List<String> notClosed = new ArrayList<>();
        s.breakers().forEach((server, state) -> {
            if (!state.equals("closed")) notClosed.add(server + " " + state);
        });
        return notClosed.isEmpty() ? "" : ", breaker " + String.join(", ", notClosed);
    }

    static String seconds(double ms) {
        return ms >= 10_000 ? Math.round(ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", Math.max(0, ms) / 1000);
    }
}
