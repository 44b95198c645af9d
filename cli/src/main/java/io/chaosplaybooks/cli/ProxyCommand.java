package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.http.ServerSettings;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.FaultEngineException;
import io.chaosplaybooks.runtime.proxy.ProxyInfo;
import io.chaosplaybooks.runtime.proxy.ProxySpec;
import io.chaosplaybooks.runtime.proxy.ToxiproxyHttpApi;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code chaos proxy}: the embedded fault engine alone, serving Toxiproxy's HTTP API until Ctrl-C. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the embedded fault engine alone, behind Toxiproxy's HTTP API.",
        "",
        "TCP proxies with Toxiproxy's toxics (latency, bandwidth, "
            + "slow_close, timeout, reset_peer, slicer, limit_data, noop) plus 'loss' (TCP retransmission emulation), "
            + "driven through Toxiproxy's HTTP API, so toxiproxy-cli, toxiproxy-java and other clients work unchanged.",
        "A drop-in for toxiproxy-server where a JVM is at hand. Stops cleanly on Ctrl-C.",
        "",
        "As Toxiproxy, it refuses browsers (403 'User agent not allowed'), so a web page cannot drive it; "
            + "it also refuses state-changing requests from another Origin.",
    },
    // Examples kept under 80 columns: picocli would wrap them mid-JSON and break copy-paste.
    footerHeading = "%nExamples:%n",
    footer = {
        "  chaos proxy --config proxies.json",
        "  curl -s -XPOST localhost:8474/proxies \\",
        "    -d '{\"name\":\"mc\",\"listen\":\"127.0.0.1:22122\",\"upstream\":\"127.0.0.1:11211\"}'",
        "  curl -s -XPOST localhost:8474/proxies/mc/toxics \\",
        "    -d '{\"type\":\"latency\",\"attributes\":{\"latency\":200,\"jitter\":20}}'",
        "  curl -s -XPOST localhost:8474/proxies/mc/toxics \\",
        "    -d '{\"type\":\"loss\",\"stream\":\"upstream\",\"attributes\":{\"rate\":0.05}}'",
        "  curl -s -XPOST localhost:8474/reset",
        "",
        "proxies.json is Toxiproxy's config format (the body of POST /populate):",
        "  [{\"name\":\"mc\",\"listen\":\"127.0.0.1:22122\",\"upstream\":\"127.0.0.1:11211\"}]",
        "",
        "Every toxic and attribute: docs/fault-engine.md.",
    })
public final class ProxyCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
        description = "Address the HTTP API binds (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes it to the network: "
            + "consider --token-file).")
    String host;

    @Option(names = "--port", defaultValue = "8474", paramLabel = "PORT",
        description = "Port of the HTTP API (default: ${DEFAULT-VALUE}, Toxiproxy's).")
    int port;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "Require 'Authorization: Bearer <token>' on every API call, the token being this file's content "
            + "(Toxiproxy's own clients cannot send one: for scripts and curl).")
    Path tokenFile;

    @Option(names = "--config", paramLabel = "FILE",
        description = "Proxies to create at start: a JSON array of {name, listen, upstream, enabled}.")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A running engine and API; closing it closes listeners and connections. */
    record Running(FaultEngine engine, ToxiproxyHttpApi api) implements AutoCloseable {
        @Override
        public void close() {
            api.close();
            engine.close();
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Running running = start(out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            out.println("chaos proxy: stopped");
            out.flush();
            stopped.countDown();
        }, "chaos-proxy-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }

    /** Creates the configured proxies and serves the API; what {@link #call()} does before waiting for Ctrl-C. */
    Running start(PrintWriter out) {
        if (port < 0 || port > 65535) {
            throw new UserFacingException.Invalid("--port must be 0..65535, got " + port);
        }
        List<ProxySpec> proxies = config == null ? List.of() : readConfig(config);
        ServerSettings settings = ServerSettings.of(host, port);
        if (tokenFile != null) {
            settings = settings.withBearerToken(readToken(tokenFile));
        }
        FaultEngine engine = new FaultEngine();
        ToxiproxyHttpApi api;
        try {
            api = ToxiproxyHttpApi.start(engine, settings);
        } catch (BindException e) {
            engine.close();
            throw new UserFacingException.Failed(
                "cannot serve the API on " + host + ":" + port + ": address already in use (is toxiproxy-server or another chaos proxy running? try --port)");
        } catch (IOException e) {
            engine.close();
            throw new UserFacingException.Failed("cannot serve the API on " + host + ":" + port + ": " + e.getMessage());
        }
        try {
            engine.populate(proxies);
        } catch (FaultEngineException e) {
            api.close();
            engine.close();
            String message = config + ": " + e.getMessage();
            throw e.status() == 400 ? new UserFacingException.Invalid(message) : new UserFacingException.Failed(message);
        }
        out.println("chaos proxy: Toxiproxy API on http://" + api.host() + ":" + api.port()
            + (tokenFile == null ? "" : " (bearer token required)") + " (Ctrl-C to stop)");
        for (ProxyInfo p : engine.proxies().values()) {
            out.println("  " + p.name() + ": " + p.listen() + " -> " + p.upstream() + (p.enabled() ? "" : " (disabled)"));
        }
        out.flush();
        return new Running(engine, api);
    }

    static String readToken(Path file) {
        String token;
        try {
            token = Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            throw new UserFacingException.Invalid("token file not found: " + file);
        } catch (IOException e) {
            throw new UserFacingException.Invalid("cannot read token file " + file + ": " + e.getMessage());
        }
        if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new UserFacingException.Invalid(
                "token file " + file + " must hold one token of printable ASCII characters without spaces");
        }
        return token;
    }

    private static List<ProxySpec> readConfig(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserFacingException.Invalid("config file not found: " + file);
        } catch (IOException e) {
            throw new UserFacingException.Invalid("cannot read config file " + file + ": " + e.getMessage());
        }
        try {
            return ToxiproxyHttpApi.parseProxyList(text);
        } catch (FaultEngineException e) {
            throw new UserFacingException.Invalid(file + ": " + e.getMessage());
        }
    }
}
