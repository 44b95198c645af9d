package io.chaosplaybooks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The user's own service under the faults, on real parts: memcached and {@code chaos proxy} on two "hosts"
 * (network namespaces the test makes, joined to this one by veth pairs), a run here with per-server
 * {@code toxiproxy:} and {@code listen:} and {@code load none}, and a memcached client of the test's own
 * talking to the listen addresses. And an existing proxy, used by name, left exactly as found after a run,
 * a failed run and a SIGINT.
 */
class FleetIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path JAR = RunIT.ROOT.resolve("cli/target/chaos.jar");
    /** Added by the scenario; a get and a set each cross the proxy once downstream. */
    static final int LATENCY_MS = 300;

    // ---- the fleet in network namespaces ----

    /** One "host": a namespace, a veth pair, memcached on its loopback and chaos proxy on its address. */
    record Host(String ns, String vethHere, String address, List<Process> processes) {}

    @Test
    void theUsersClientSeesTheLatencyOnEachHostDuringInjectAndNotAfter(@TempDir Path dir) throws Exception {
        String memcached = ExternalTool.require("memcached", "memcached").toString();
        List<Host> hosts = new ArrayList<>();
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        int subnet = 10 + ThreadLocalRandom.current().nextInt(120) * 2;
        Process run = null;
        try {
            for (int i = 0; i < 2; i++) {
                Host h = host("chaosfleet-" + tag + "-" + i, "cf" + tag + i, "10.231." + (subnet + i), dir);
                hosts.add(h);
                h.processes().add(startIn(h.ns(), dir.resolve("memcached-" + i + ".txt"),
                    memcached, "-u", "root", "-l", "127.0.0.1", "-p", "11211", "-U", "0"));
                Process proxy = startIn(h.ns(), dir.resolve("proxy-" + i + ".txt"), javaCommand(), "-jar", JAR.toString(),
                    "proxy", "--host", h.address(), "--port", "8474");
                h.processes().add(proxy);
                awaitText(dir.resolve("proxy-" + i + ".txt"), "Toxiproxy API on", proxy);
            }
            Host a = hosts.get(0), b = hosts.get(1);
            Path playbook = dir.resolve("fleet.groovy");
            Files.writeString(playbook, """
                playbook "fleet" {
                    // memcached listens on each host's loopback: the address is as that host's Toxiproxy reaches it
                    server "cache-a", "127.0.0.1:11211", toxiproxy: "http://%s:8474", listen: "%s:21211"
                    server "cache-b", "127.0.0.1:11211", toxiproxy: "http://%s:8474", listen: "0.0.0.0:21211"
                    load none
                    scenario "slow-fleet" {
                        stabilize 5.s
                        inject latency(%d.ms) on allServers for 8.s
                        recover 5.s
                    }
                }
                """.formatted(a.address(), a.address(), b.address(), LATENCY_MS));
            Path out = dir.resolve("run.txt");
            Path journal = dir.resolve("run.jsonl");
            run = RunIT.start(dir, out, "run", playbook.toString(), "--metrics-port", "0", "--journal", journal.toString());
            Process r = run;
            awaitText(out, "No built-in load (load none)", r);

            List<String> listen = List.of(a.address() + ":21211", b.address() + ":21211");
            List<Long> before = timedOps(listen, 3);
            awaitJournal(journal, "fault-applied", 2, r);
            List<Long> during = timedOps(listen, 3);
            awaitJournal(journal, "fault-removed", 2, r);
            List<Long> after = timedOps(listen, 3);
            System.out.println("fleet: get+set ms per host before " + before + ", during " + during + ", after " + after);
            // Each timed op is a set and a get, each delayed LATENCY_MS downstream; tolerance for a loaded machine.
            // Before and after: fast (median under 100 ms; none as slow as a faulted op, whatever the machine's load).
            for (List<Long> fast : List.of(before, after)) {
                assertTrue(median(fast) < 100 && fast.stream().allMatch(ms -> ms < 2 * LATENCY_MS - 20), "before " + before + ", after " + after);
            }
            for (long ms : during) assertTrue(ms >= 2 * LATENCY_MS - 20 && ms < 2 * LATENCY_MS + 600, "during the inject: " + during);

            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the run ends");
            String console = Files.readString(out);
            assertEquals(ExitCodes.OK, run.exitValue(), console);
            assertTrue(console.contains("Toxiproxy") && console.contains("http://" + a.address() + ":8474")
                && console.contains("http://" + b.address() + ":8474"), console);
            for (Host h : hosts) {
                assertEquals("{}", get("http://" + h.address() + ":8474/proxies").toString(), "the run's proxies are gone from " + h.ns());
            }
        } finally {
            if (run != null) ExternalTool.stop(run);
            for (Host h : hosts) remove(h);
        }
    }

    /** A namespace joined to this one: here {@code prefix.1/24}, there {@code prefix.2/24}; skipped where not permitted. */
    private static Host host(String ns, String veth, String prefix, Path dir) throws Exception {
        String made = sh("ip", "netns", "add", ns);
        assumeTrue(made == null, "network namespaces cannot be made here (ip netns add: " + made + "); run as root where they are permitted");
        Host h = new Host(ns, veth + "h", prefix + ".2", new ArrayList<>());
        try {
            must("ip", "link", "add", veth + "h", "type", "veth", "peer", "name", veth + "n");
            must("ip", "link", "set", veth + "n", "netns", ns);
            must("ip", "addr", "add", prefix + ".1/24", "dev", veth + "h");
            must("ip", "link", "set", veth + "h", "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", prefix + ".2/24", "dev", veth + "n");
            must("ip", "netns", "exec", ns, "ip", "link", "set", veth + "n", "up");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        } catch (Exception | AssertionError e) {
            remove(h);
            throw e;
        }
        return h;
    }

    private static void remove(Host h) throws Exception {
        for (Process p : h.processes()) ExternalTool.stop(p);
        sh("ip", "link", "del", h.vethHere()); // deletes its peer too
        sh("ip", "netns", "del", h.ns());
    }

    private static Process startIn(String ns, Path out, String... cmd) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Null when the command succeeded, else what it said. */
    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 ? null : said + " (exit " + p.exitValue() + ")";
    }

    private static void must(String... cmd) throws Exception {
        String failed = sh(cmd);
        assertTrue(failed == null, String.join(" ", cmd) + ": " + failed);
    }

    // ---- the test's own memcached client ----

    /** For each address in turn, on one connection, after one untimed version: {@code rounds} times a set and a get, timed together (ms). */
    static List<Long> timedOps(List<String> addresses, int rounds) throws IOException {
        List<Long> ms = new ArrayList<>();
        for (String address : addresses) {
            int colon = address.lastIndexOf(':');
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))), 3000);
                s.setSoTimeout(5000);
                s.setTcpNoDelay(true);
                command(s, "version\r\n", "\r\n"); // untimed: the first bytes of a connection wake the proxy's path
                for (int i = 0; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    String key = "fleet-" + i;
                    String reply = command(s, "set " + key + " 0 0 5\r\nhello\r\n", "\r\n");
                    assertEquals("STORED\r\n", reply, address);
                    reply = command(s, "get " + key + "\r\n", "END\r\n");
                    assertEquals("VALUE " + key + " 0 5\r\nhello\r\nEND\r\n", reply, address);
                    ms.add((System.nanoTime() - t0) / 1_000_000);
                }
            }
        }
        return ms;
    }

    static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static String command(Socket s, String request, String end) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith(end)) {
            int c = in.read();
            if (c < 0) throw new IOException("connection closed after '" + sb + "'");
            sb.append((char) c);
        }
        return sb.toString();
    }

    // ---- an existing proxy, used by name ----

    @Test
    void anExistingProxyIsLeftAsFoundAfterARunAFailedRunAndSigint(@TempDir Path dir) throws Exception {
        String memcached = ExternalTool.require("memcached", "memcached").toString();
        int mcPort = ExternalTool.freePort(), apiPort = ExternalTool.freePort(), listenA = ExternalTool.freePort(), listenB = ExternalTool.freePort();
        Process mc = new ProcessBuilder(memcached, "-u", "root", "-l", "127.0.0.1", "-p", Integer.toString(mcPort), "-U", "0")
            .redirectErrorStream(true).redirectOutput(dir.resolve("mc.txt").toFile()).start();
        Path config = dir.resolve("proxies.json");
        Files.writeString(config, """
            [{"name": "memcached_a", "listen": "127.0.0.1:%d", "upstream": "127.0.0.1:%d"},
             {"name": "memcached_b", "listen": "127.0.0.1:%d", "upstream": "127.0.0.1:%d"}]
            """.formatted(listenA, mcPort, listenB, mcPort));
        Process proxy = new ProcessBuilder(javaCommand(), "-jar", JAR.toString(), "proxy", "--port", Integer.toString(apiPort),
            "--config", config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("proxy.txt").toFile()).start();
        String api = "http://127.0.0.1:" + apiPort;
        try {
            awaitText(dir.resolve("proxy.txt"), "Toxiproxy API on", proxy);
            JsonNode found = get(api + "/proxies/memcached_a");
            assertTrue(found.path("enabled").asBoolean() && found.path("toxics").isEmpty(), found.toString());

            // A run: down() and latency on the existing proxy, and the user's client sees them.
            Path ok = playbook(dir, "ok", api, """
                scenario "down-then-slow" {
                    stabilize 1.s
                    inject down() on server("cache-a") for 2.s
                    inject latency(200.ms) on server("cache-a") for 3.s
                    recover 1.s
                }""");
            Path out = dir.resolve("ok.txt");
            Process run = RunIT.start(dir, out, "run", ok.toString(), "--metrics-port", "0", "--journal", "ok.jsonl");
            awaitJournal(dir.resolve("ok.jsonl"), "fault-applied", 2, run);
            long ms = timedOps(List.of("127.0.0.1:" + listenA), 1).get(0);
            assertTrue(ms >= 380, "the latency is on the user's proxy: " + ms + " ms");
            assertTrue(run.waitFor(60, TimeUnit.SECONDS));
            assertEquals(ExitCodes.OK, run.exitValue(), Files.readString(out));
            assertEquals(found, get(api + "/proxies/memcached_a"), "after a run");

            // A failed run: memcached_b vanishes under it, so its inject fails while cache-a's faults are in place.
            Path failing = playbook(dir, "failing", api, """
                scenario "loses-a-proxy" {
                    parallel {
                        inject latency(100.ms) on server("cache-a") for 6.s
                        step "later", { wait 3.s; inject down() on server("cache-b") for 1.s }
                    }
                    recover 1.s
                }""");
            out = dir.resolve("failing.txt");
            run = RunIT.start(dir, out, "run", failing.toString(), "--metrics-port", "0", "--journal", "failing.jsonl");
            awaitJournal(dir.resolve("failing.jsonl"), "fault-applied", 1, run);
            delete(api + "/proxies/memcached_b");
            assertTrue(run.waitFor(60, TimeUnit.SECONDS));
            String console = Files.readString(out);
            assertEquals(ExitCodes.RUNTIME_ERROR, run.exitValue(), console);
            assertTrue(console.contains("memcached_b"), console);
            assertEquals(found, get(api + "/proxies/memcached_a"), "after a failed run");
            post(api + "/proxies", "{\"name\": \"memcached_b\", \"listen\": \"127.0.0.1:" + listenB + "\", \"upstream\": \"127.0.0.1:" + mcPort + "\"}");

            // SIGINT while down() and latency are on it.
            Path slow = playbook(dir, "slow", api, """
                scenario "held" {
                    parallel {
                        inject down() on server("cache-a") for 60.s
                        inject latency(100.ms) on server("cache-a") for 60.s
                    }
                    recover 1.s
                }""");
            out = dir.resolve("slow.txt");
            run = RunIT.start(dir, out, "run", slow.toString(), "--metrics-port", "0", "--journal", "slow.jsonl");
            awaitJournal(dir.resolve("slow.jsonl"), "fault-applied", 2, run);
            JsonNode held = get(api + "/proxies/memcached_a");
            assertTrue(!held.path("enabled").asBoolean() && held.path("toxics").size() == 1, "faults in place: " + held);
            new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor();
            assertTrue(run.waitFor(30, TimeUnit.SECONDS), "the run stops on SIGINT");
            assertEquals(ExitCodes.INTERRUPTED, run.exitValue(), Files.readString(out));
            assertEquals(found, get(api + "/proxies/memcached_a"), "after SIGINT");
            assertEquals(List.of("memcached_a", "memcached_b"), names(get(api + "/proxies")).stream().sorted().toList(), "nothing of the runs is left");
        } finally {
            ExternalTool.stop(proxy);
            ExternalTool.stop(mc);
        }
    }

    private static Path playbook(Path dir, String name, String api, String scenario) throws IOException {
        Path p = dir.resolve(name + ".groovy");
        Files.writeString(p, """
            server "cache-a", proxy: "memcached_a", toxiproxy: "%s"
            server "cache-b", proxy: "memcached_b", toxiproxy: "%s"
            load none
            %s
            """.formatted(api, api, scenario));
        return p;
    }

    private static List<String> names(JsonNode proxies) {
        List<String> n = new ArrayList<>();
        proxies.fieldNames().forEachRemaining(n::add);
        return n;
    }

    // ---- waiting and HTTP ----

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return JSON.readTree(r.body());
    }

    static void post(String url, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), url + ": " + r.body());
    }

    static void delete(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, r.statusCode(), url + ": " + r.body());
    }

    static void awaitText(Path file, String text, Process p) throws Exception {
        await(() -> read(file).contains(text), p, file);
    }

    /** Until the journal has {@code count} events of that type. */
    static void awaitJournal(Path journal, String type, int count, Process p) throws Exception {
        await(() -> read(journal).split("\"event\":\"" + type + "\"", -1).length - 1 >= count, p, journal);
    }

    private static void await(BooleanSupplier done, Process p, Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!done.getAsBoolean()) {
            assertTrue(p.isAlive(), "ended before it got there: " + file + ":\n" + read(file));
            assertTrue(System.nanoTime() < deadline, "never got there: " + file + ":\n" + read(file));
            Thread.sleep(20);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
