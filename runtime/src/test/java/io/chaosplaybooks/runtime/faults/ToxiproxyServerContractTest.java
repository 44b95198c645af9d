package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.runtime.exec.FaultBackend;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.net.URI;

/**
 * The contract against a Toxiproxy given by {@code CHAOS_TOXIPROXY_URL} (for example a real
 * {@code toxiproxy-server} on {@code http://127.0.0.1:8474}); skipped when it is not set. The server
 * must reach this JVM's loopback echo server, so it runs on the same host.
 */
@EnabledIfEnvironmentVariable(named = "CHAOS_TOXIPROXY_URL", matches = ".+",
    disabledReason = "CHAOS_TOXIPROXY_URL is not set: no Toxiproxy server to check the contract against")
class ToxiproxyServerContractTest extends ToxiproxyApiContract {
    private static final URI URL = URI.create(String.valueOf(System.getenv("CHAOS_TOXIPROXY_URL")));
    @Override
    protected URI url() {
        return URL;
    }

    @Override
    protected FaultBackend createBackend(String runId) {
        return new ToxiproxyBackend(URL, runId, m -> {});
    }
}
