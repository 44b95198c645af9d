package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.http.ServerSettings;
import io.chaosplaybooks.runtime.serve.ChaosService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {
        "Runs chaos as a service: loads every playbook, runs each schedule when it fires, and serves a",
        "JSON API, a web page and /metrics on one port. Runs are the runs of chaos run; each run's journal,",
        "JUnit XML and HTML report are kept under the state directory, with an index that survives a restart.",
        "Playbook files are read again when they change; one with problems is shown with them and its",
        "schedules pause until it is fixed.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos serve playbooks/",
        "  chaos serve --port 9094 --state-dir /var/lib/chaos playbooks/nightly.groovy",
        "  chaos serve --host 0.0.0.0 --token-file /etc/chaos/token playbooks/   # then: Authorization: Bearer <token>",
        "  curl -s localhost:9094/api/runs -d '{\"playbook\": \"smoke\", \"timeScale\": 0.5}'",
        "",
        "SIGTERM or Ctrl-C stops the runs under way with the full cleanup (recorded as stopped), then the server.",
        "Exit codes: 0 stopped cleanly; 2 invalid options; 3 the port or state directory cannot be used, or a run",
        "did not stop within the cleanup's deadline.",
    })
final class ServeCommand implements Callable<Integer> {
    @Mixin PlaybookFiles files;

    @Parameters(arity = "1..*", paramLabel = "DIR|FILE", description = "Playbook files, and directories searched for *.groovy.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--host", paramLabel = "ADDRESS",
        description = "Address to serve on (default: ${DEFAULT-VALUE}); any other than loopback needs --token-file.")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Port of the API, the page and /metrics (default: ${DEFAULT-VALUE}; 0: a free one).")
    int port = 9094;

    @Option(names = "--state-dir", paramLabel = "DIR",
        description = "Where the run history is kept (default: $XDG_STATE_HOME/chaos, else ~/.local/state/chaos).")
    Path stateDir;

    @Option(names = "--max-concurrent", paramLabel = "N",
        description = "How many runs may run at once (default: ${DEFAULT-VALUE}); two runs never share servers.")
    int maxConcurrent = 1;

    @Option(names = "--keep", paramLabel = "N", description = "How many runs the history keeps; older ones are deleted (default: ${DEFAULT-VALUE}).")
    int keep = 200;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "Require 'Authorization: Bearer <token>' on every API call, the token being this file's content.")
    Path tokenFile;

    @Option(names = "--time-scale", paramLabel = "F",
        description = "Time scale of scheduled runs and of API runs that give none (default: ${DEFAULT-VALUE}).")
    double timeScale = 1.0;

    @Option(names = "--poll", paramLabel = "MS", description = "How often playbook files are checked for changes, in ms (default: ${DEFAULT-VALUE}).")
    long pollMillis = 1000;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) throw new UserFacingException.Invalid("--port must be 0..65535, got " + port);
        if (maxConcurrent < 1) throw new UserFacingException.Invalid("--max-concurrent must be at least 1, got " + maxConcurrent);
        if (keep < 1) throw new UserFacingException.Invalid("--keep must be at least 1, got " + keep);
        if (!(timeScale > 0) || timeScale > 100) throw new UserFacingException.Invalid("--time-scale must be above 0 and at most 100, got " + timeScale);
        if (pollMillis < 50) throw new UserFacingException.Invalid("--poll must be at least 50 ms, got " + pollMillis);
        String token = tokenFile == null ? null : ProxyCommand.readToken(tokenFile);
        if (token == null && !ServerSettings.of(host, port).loopbackOnly()) {
            throw new UserFacingException.Invalid("--host " + host + " is reachable from other machines: give --token-file FILE "
                + "(every API call then needs Authorization: Bearer <the file's token>), or serve on 127.0.0.1");
        }
        PlaybookFiles.expand(paths); // a path that does not exist is a usage error now, not an empty server
        Path state = stateDir != null ? stateDir : defaultStateDir();
        PrintStream out = System.out;
        var loader = files.loader();
        ChaosService.Settings settings = new ChaosService.Settings(paths, loader::load, state, host, port, token, maxConcurrent, keep,
            timeScale, Duration.ofMillis(pollMillis), line -> log(out, line));
        CountDownLatch signalled = new CountDownLatch(1);
        AtomicReference<String> by = new AtomicReference<>();
        // Handlers before the start, so a signal during start-up is not the JVM's default (an exit without cleanup).
        install("INT", by, signalled, out);
        install("TERM", by, signalled, out);
        ChaosService service;
        try {
            service = ChaosService.start(settings);
        } catch (BindException e) {
            throw new UserFacingException.Failed("cannot serve on " + host + ":" + port + ": address already in use (another chaos serve? try --port)");
        } catch (IOException e) {
            throw new UserFacingException.Failed("cannot start: " + e.getMessage());
        }
        log(out, "serving on " + service.url() + (token == null ? "" : " (bearer token required)") + ", history in " + state
            + " (Ctrl-C to stop)");
        signalled.await();
        log(out, by.get() + ": stopping" + (service.running().isEmpty() ? "" : " the runs under way " + service.running()
            + " (removing every fault, stopping what they started)") + " ...");
        List<String> left = service.shutdown(by.get());
        if (!left.isEmpty()) {
            log(out, "runs " + left + " did not stop within the cleanup's deadline; exiting anyway");
            return ExitCodes.RUNTIME_ERROR;
        }
        log(out, "stopped");
        return ExitCodes.OK;
    }

    static Path defaultStateDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("chaos");
    }

    private static void log(PrintStream out, String line) {
        out.println(Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z") + " " + line);
        out.flush();
    }

    /** The first signal starts the shutdown; a later one says it is under way (the runs' cleanup has its own deadline). */
    private static void install(String name, AtomicReference<String> by, CountDownLatch signalled, PrintStream out) {
        try {
            Signal.handle(new Signal(name), sig -> {
                if (by.compareAndSet(null, "SIG" + sig.getName())) {
                    signalled.countDown();
                } else {
                    log(out, "SIG" + sig.getName() + ": already stopping; the runs' cleanup ends within "
                        + io.chaosplaybooks.runtime.run.RunEnvironment.CLEANUP_DEADLINE.toSeconds() + " s");
                }
            });
        } catch (IllegalArgumentException unsupported) {
            // not on this platform: the JVM's default applies
        }
    }
}
