package io.chaosplaybooks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(120)
class LoadCommandTest {
    private static CliRunner.Result run(String... args) {
        return CliRunner.run(args);
    }

    @Test
    void boundedRunWritesTheJsonSummary(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("summary.json");
        int code = Main.run("load", "--duration", "3s", "--server-count", "2", "--clients", "4", "--keys", "500",
            "--metrics-port", "0", "--json", json.toString());
        assertEquals(ExitCodes.OK, code);
        JsonNode root = new ObjectMapper().readTree(Files.readString(json));
        long operations = root.get("operations").asLong();
        assertTrue(operations > 100, "operations " + operations);
        assertEquals(0, root.get("errors").asLong());
        assertTrue(root.get("opsPerSecond").asDouble() > 0);
        assertTrue(root.get("durationSeconds").asDouble() >= 2.9 && root.get("durationSeconds").asDouble() < 10);
        for (String p : List.of("p50", "p99", "p999", "max")) {
            assertTrue(root.get("latencyMs").get(p).asDouble() > 0, p);
        }
        assertTrue(root.get("latencyMs").get("max").asDouble() >= root.get("latencyMs").get("p99").asDouble());
        JsonNode servers = root.get("servers");
        assertEquals(2, servers.size());
        assertEquals(operations, servers.get("server-1").get("operations").asLong() + servers.get("server-2").get("operations").asLong());
        assertEquals("closed", servers.get("server-1").get("breaker").asText());
        assertEquals(1.0, root.get("hitRatio").asDouble(), 1e-9, "pre-filled, no deletes: every get hits");
        JsonNode seconds = root.get("perSecond");
        assertTrue(seconds.size() >= 3 && seconds.size() <= 5, "about one entry a second of the 3 s run: " + seconds);
        long sum = 0;
        for (JsonNode s : seconds) {
            sum += s.get("operations").asLong();
            assertTrue(s.get("seconds").asDouble() > 0 && s.get("seconds").asDouble() < 2, "a window is a second or less: " + s);
        }
        assertEquals(operations, sum, "the seconds add up to the run");
    }

    @Test
    void summaryAndPlainLinesWhenNotATerminal() {
        CliRunner.Result r = run("load", "--operations", "3000", "--server-count", "1", "--clients", "2", "--keys", "100", "--metrics-port", "0");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains("Metrics: http://127.0.0.1:"), r.out());
        assertTrue(r.out().contains("Summary: 3,000 operations"), r.out());
        assertTrue(r.out().contains("latency: p50"), r.out());
        assertFalse(r.out().contains("\r"), "no carriage returns when not on a terminal");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--mix|get=lots|--mix: 'get=lots' is not valid",
        "--mix|put=1|operations get, set or delete, not 'put'",
        "--duration|10|--duration: '10' is not valid: expected a duration like 500ms",
        "--duration|0s|expected a duration above zero",
        "--value-size|2MB|value size must be 1..",
        "--value-size|abc|--value-size: 'abc' is not valid",
        "--servers|localhost|--servers: expected host:port, got 'localhost'",
        "--clients|0|clients must be between 1 and 10000, got 0",
        "--rate|fast|--rate: 'fast' is not valid",
        "--timeout|-1s|--timeout: '-1s' is not valid",
        "--server-count|0|--server-count: '0' is not valid",
        "--metrics-port|70000|--metrics-port: '70000' is not valid",
        "--key-distribution|gaussian|distribution is uniform or zipfian, not 'gaussian'",
        "--value-size|4KiB|--value-size: '4KiB' is not valid",
        "--keys|many|Invalid value for option '--keys'",
    })
    void badValuesAreOneClearLineAndExit2(String option, String value, String expected) {
        CliRunner.Result r = option.equals("--metrics-port") ? run("load", option, value) : run("load", option, value, "--metrics-port", "0");
        assertEquals(ExitCodes.INVALID, r.exitCode(), r.err());
        assertTrue(r.err().contains(expected), "stderr: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(r.out().contains("Started"), "nothing was started for a bad command line");
    }

    @Test
    void aMetricsPortInUseIsOneLineAndExit3() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CliRunner.Result r = run("load", "--duration", "2s", "--metrics-port", Integer.toString(taken.getLocalPort()));
            assertEquals(ExitCodes.RUNTIME_ERROR, r.exitCode());
            assertEquals("chaos: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()
                + ": the port is in use (pick another with --metrics-port)", r.err().strip());
            assertFalse(r.out().contains("Started"), "no servers started when the port is taken");
        }
    }

    @Test
    void unreachableServersEndWithExit3AndSaySo() {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            deadPort = s.getLocalPort();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        CliRunner.Result r = run("load", "--servers", "127.0.0.1:" + deadPort, "--duration", "2s", "--metrics-port", "0", "--no-prefill");
        assertEquals(ExitCodes.RUNTIME_ERROR, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("every operation failed: are the servers reachable?"), r.err());
        assertTrue(r.out().contains("Summary:"), "the summary is still printed: " + r.out());
    }

    @Test
    void helpTeachesWithExamples() {
        CliRunner.Result r = run("load", "--help");
        assertEquals(ExitCodes.OK, r.exitCode());
        for (String s : List.of("--servers", "--rate", "--mix", "--duration", "--metrics-port", "--json", "Examples:", "chaos load --rate 5000")) {
            assertTrue(r.out().contains(s), "help lacks " + s);
        }
    }

    @Test
    void argumentParsers() {
        assertEquals(java.time.Duration.ofSeconds(90), LoadArguments.duration("--d", "1m30s"));
        assertEquals(java.time.Duration.ofMillis(500), LoadArguments.duration("--d", "500ms"));
        assertEquals(java.time.Duration.ofHours(2), LoadArguments.duration("--d", "2h"));
        assertArrayEquals(new int[] {64, 4000}, LoadArguments.valueSize("64-4KB"), "1 KB = 1000 bytes, as in playbooks");
        assertArrayEquals(new int[] {1_000_000, 1_000_000}, LoadArguments.valueSize("1MB"));
        assertArrayEquals(new int[] {100, 100}, LoadArguments.valueSize("100B"));
        assertEquals(5000, LoadArguments.rate("5000/s"));
        assertEquals(java.util.Map.of("get", 9.0, "set", 1.0), LoadArguments.mix("get=9,set=1"));
    }

    @Test
    void withoutOptionsTheLoadIsAPlaybooksDefaultLoad() {
        LoadCommand cmd = new LoadCommand();
        new picocli.CommandLine(cmd).parseArgs();
        assertEquals(io.chaosplaybooks.dsl.plan.LoadProfile.builder().build(), cmd.profile());
        CliRunner.Result help = run("load", "--help");
        assertTrue(help.out().contains("1 KB = 1000 bytes"), help.out());
        assertTrue(help.out().contains("(default: 50)") && help.out().contains("(default: get=0.9,set=0.1)"), help.out());
    }
}
