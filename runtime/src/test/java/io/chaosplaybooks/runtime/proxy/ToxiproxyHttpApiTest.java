package io.chaosplaybooks.runtime.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every status code and JSON shape of the Toxiproxy API, as a real Toxiproxy 2.12 answers. */
class ToxiproxyHttpApiTest {
    private FaultEngine engine;
    private ToxiproxyHttpApi api;
    private Http http;
    private EchoServer echo;

    @BeforeEach
    void start() throws IOException {
        engine = new FaultEngine();
        api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0);
        http = new Http(api.port());
        echo = new EchoServer();
    }

    @AfterEach
    void stop() throws IOException {
        api.close();
        engine.close();
        echo.close();
    }

    private String createBody(String name) {
        return "{\"name\":\"" + name + "\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + echo.address() + "\"}";
    }

    @Test
    void bindsLoopbackByDefaultAddressGiven() {
        assertEquals("127.0.0.1", api.host());
    }

    @Test
    void versionIsJson() throws Exception {
        Http.Response r = http.get("/version");
        assertEquals(200, r.status());
        assertTrue(r.json().get("version").isTextual());
    }

    @Test
    void createsProxyWith201AndRealPort() throws Exception {
        Http.Response r = http.post("/proxies", createBody("cache"));
        assertEquals(201, r.status(), r.body());
        JsonNode p = r.json();
        assertEquals("cache", p.get("name").asText());
        assertEquals(echo.address(), p.get("upstream").asText());
        assertTrue(p.get("enabled").asBoolean());
        assertTrue(p.get("toxics").isArray());
        String listen = p.get("listen").asText();
        assertTrue(listen.startsWith("127.0.0.1:") && !listen.endsWith(":0"), listen);
        int port = Integer.parseInt(listen.substring(listen.indexOf(':') + 1));
        try (Socket s = Sockets.connect(port)) {
            s.getOutputStream().write("ping".getBytes());
            assertEquals("ping", new String(Sockets.readExactly(s, 4)));
        }
    }

    @Test
    void listsProxiesKeyedByNameAndGetsOne() throws Exception {
        http.post("/proxies", createBody("a"));
        http.post("/proxies", createBody("b"));
        Http.Response all = http.get("/proxies");
        assertEquals(200, all.status());
        assertEquals("a", all.json().get("a").get("name").asText());
        assertEquals("b", all.json().get("b").get("name").asText());
        Http.Response one = http.get("/proxies/a");
        assertEquals(200, one.status());
        assertEquals("a", one.json().get("name").asText());
    }

    @Test
    void populateAnswers201WithProxies() throws Exception {
        String body = "[{\"name\":\"p1\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + echo.address() + "\"},"
            + "{\"name\":\"p2\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + echo.address() + "\",\"enabled\":false}]";
        Http.Response r = http.post("/populate", body);
        assertEquals(201, r.status(), r.body());
        assertEquals(2, r.json().get("proxies").size());
        assertEquals("p1", r.json().get("proxies").get(0).get("name").asText());
        assertFalse(r.json().get("proxies").get(1).get("enabled").asBoolean());
    }

    @Test
    void populateWithOneBadEntryCreatesNothing() throws Exception {
        String body = "[{\"name\":\"ok\",\"upstream\":\"" + echo.address() + "\"},{\"name\":\"bad\"}]";
        Http.Response r = http.post("/populate", body);
        assertEquals(400, r.status());
        assertEquals(404, http.get("/proxies/ok").status());
    }

    @Test
    void updatesProxyWithPostAndPatch() throws Exception {
        http.post("/proxies", createBody("cache"));
        Http.Response off = http.post("/proxies/cache", "{\"enabled\":false}");
        assertEquals(200, off.status(), off.body());
        assertFalse(off.json().get("enabled").asBoolean());
        Http.Response on = http.send("PATCH", "/proxies/cache", "{\"enabled\":true}");
        assertEquals(200, on.status());
        assertTrue(on.json().get("enabled").asBoolean());
    }

    @Test
    void deleteAnswers204ThenProxyIsGone() throws Exception {
        http.post("/proxies", createBody("cache"));
        assertEquals(204, http.delete("/proxies/cache").status());
        assertEquals(404, http.get("/proxies/cache").status());
    }

    @Test
    void toxicLifecycleStatusesAndShapes() throws Exception {
        http.post("/proxies", createBody("cache"));
        Http.Response added = http.post("/proxies/cache/toxics",
            "{\"type\":\"latency\",\"attributes\":{\"latency\":100}}");
        assertEquals(200, added.status(), added.body());
        JsonNode t = added.json();
        assertEquals("latency_downstream", t.get("name").asText());
        assertEquals("latency", t.get("type").asText());
        assertEquals("downstream", t.get("stream").asText());
        assertEquals(1.0, t.get("toxicity").asDouble());
        assertEquals(100, t.get("attributes").get("latency").asInt());
        assertEquals(0, t.get("attributes").get("jitter").asInt());

        http.post("/proxies/cache/toxics", "{\"name\":\"up\",\"type\":\"bandwidth\",\"stream\":\"upstream\",\"attributes\":{\"rate\":1000}}");
        Http.Response list = http.get("/proxies/cache/toxics");
        assertEquals(200, list.status());
        assertEquals("up", list.json().get(0).get("name").asText(), "upstream toxics come first");
        assertEquals("latency_downstream", list.json().get(1).get("name").asText());

        assertEquals(200, http.get("/proxies/cache/toxics/up").status());
        Http.Response updated = http.post("/proxies/cache/toxics/latency_downstream", "{\"attributes\":{\"jitter\":5}}");
        assertEquals(200, updated.status(), updated.body());
        assertEquals(100, updated.json().get("attributes").get("latency").asInt(), "attributes are merged");
        assertEquals(5, updated.json().get("attributes").get("jitter").asInt());
        Http.Response patched = http.send("PATCH", "/proxies/cache/toxics/up", "{\"toxicity\":0.5}");
        assertEquals(200, patched.status());
        assertEquals(0.5, patched.json().get("toxicity").asDouble());

        assertEquals(2, http.get("/proxies/cache").json().get("toxics").size());
        assertEquals(204, http.delete("/proxies/cache/toxics/up").status());
        assertEquals(404, http.get("/proxies/cache/toxics/up").status());
    }

    @Test
    void resetEnablesAllAndRemovesToxics() throws Exception {
        http.post("/proxies", createBody("cache"));
        http.post("/proxies/cache/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":10}}");
        http.post("/proxies/cache", "{\"enabled\":false}");
        assertEquals(204, http.post("/reset", "").status());
        JsonNode p = http.get("/proxies/cache").json();
        assertTrue(p.get("enabled").asBoolean());
        assertEquals(0, p.get("toxics").size());
    }

    @Test
    void errorsHaveErrorAndStatus() throws Exception {
        Http.Response r = http.get("/proxies/nope");
        assertEquals(404, r.status());
        assertEquals(404, r.json().get("status").asInt());
        assertTrue(r.json().get("error").asText().contains("nope"), r.body());
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
        POST   | /proxies                        | '{not json'                                                  | 400
        POST   | /proxies                        | '{"upstream":"127.0.0.1:1"}'                                 | 400
        POST   | /proxies                        | '{"name":"x"}'                                               | 400
        POST   | /proxies                        | '{"name":"x","upstream":"nocolon"}'                          | 400
        POST   | /proxies                        | '{"name":"cache","upstream":"127.0.0.1:1"}'                  | 409
        GET    | /proxies/nope                   | ''                                                           | 404
        DELETE | /proxies/nope                   | ''                                                           | 404
        POST   | /proxies/nope                   | '{"enabled":false}'                                          | 404
        GET    | /proxies/nope/toxics            | ''                                                           | 404
        POST   | /proxies/nope/toxics            | '{"type":"latency"}'                                         | 404
        POST   | /proxies/cache/toxics           | '{"type":"nosuch"}'                                          | 400
        POST   | /proxies/cache/toxics           | '{"type":"latency","stream":"sideways"}'                     | 400
        POST   | /proxies/cache/toxics           | '{"type":"latency","attributes":{"latency":-1}}'             | 400
        POST   | /proxies/cache/toxics           | '{"type":"latency","attributes":{"latncy":10}}'              | 400
        POST   | /proxies/cache/toxics           | '{"type":"bandwidth","attributes":{"rate":-5}}'              | 400
        POST   | /proxies/cache/toxics           | '{"type":"slicer","attributes":{"average_size":0}}'          | 400
        POST   | /proxies/cache/toxics           | '{"type":"slicer","attributes":{"average_size":10,"size_variation":10}}' | 400
        POST   | /proxies/cache/toxics           | '{"type":"timeout","attributes":{"timeout":-1}}'             | 400
        POST   | /proxies/cache/toxics           | '{"type":"slow_close","attributes":{"delay":-1}}'            | 400
        POST   | /proxies/cache/toxics           | '{"type":"reset_peer","attributes":{"timeout":-1}}'          | 400
        POST   | /proxies/cache/toxics           | '{"type":"limit_data","attributes":{"bytes":-1}}'            | 400
        POST   | /proxies/cache/toxics           | '{"type":"loss","attributes":{"rate":1.5}}'                  | 400
        POST   | /proxies/cache/toxics           | '{"type":"loss","attributes":{"rate":-0.1}}'                 | 400
        POST   | /proxies/cache/toxics           | '{"type":"latency","toxicity":1.5}'                          | 400
        POST   | /proxies/cache/toxics           | '{"type":"latency","toxicity":-0.5}'                         | 400
        POST   | /proxies/cache/toxics           | '{"type":"latency","name":"existing"}'                       | 409
        POST   | /proxies/cache/toxics           | '{not json'                                                  | 400
        GET    | /proxies/cache/toxics/missing   | ''                                                           | 404
        POST   | /proxies/cache/toxics/missing   | '{"attributes":{}}'                                          | 404
        DELETE | /proxies/cache/toxics/missing   | ''                                                           | 404
        POST   | /proxies/cache/toxics/existing  | '{"attributes":{"latency":-3}}'                              | 400
        POST   | /proxies/cache/toxics/existing  | '{"toxicity":2}'                                             | 400
        DELETE | /proxies                        | ''                                                           | 405
        PUT    | /proxies/cache                  | '{}'                                                         | 405
        GET    | /reset                          | ''                                                           | 405
        POST   | /version                        | '{}'                                                         | 405
        DELETE | /proxies/cache/toxics           | ''                                                           | 405
        POST   | /proxies                        | '{"name":"x","listen":"999.1.1.1:0","upstream":"127.0.0.1:1"}' | 400
        POST   | /proxies                        | '{"name":"x","listen":"no-such-host.invalid:0","upstream":"127.0.0.1:1"}' | 400
        POST   | /proxies                        | '{"name":"x","listen":"127.0.0.1:70000","upstream":"127.0.0.1:1"}' | 400
        POST   | /proxies                        | '{"name":"x","upstream":"127.0.0.1:99999"}'                  | 400
        POST   | /proxies                        | '{"name":123,"upstream":"127.0.0.1:1"}'                      | 400
        POST   | /proxies                        | '{"name":"x","upstream":"127.0.0.1:1","enabled":"yes"}'      | 400
        POST   | /proxies                        | '[]'                                                         | 400
        POST   | /proxies                        | ''                                                           | 400
        POST   | /populate                       | '{"name":"x","upstream":"127.0.0.1:1"}'                      | 400
        POST   | /proxies/cache                  | '{"listen":"999.1.1.1:0"}'                                   | 400
        POST   | /proxies/cache/toxics           | '{"type":"latency","attributes":{"latency":9223372036854775808}}' | 400
        POST   | /proxies/cache/toxics           | '{"type":"bandwidth","attributes":{"rate":18446744073709551616}}' | 400
        POST   | /proxies/cache/toxics           | '{"type":"timeout","attributes":{"timeout":1e400}}'          | 400
        POST   | /proxies/cache/toxics           | '{"type":"latency","attributes":{"latency":1.5}}'            | 400
        POST   | /proxies/cache/toxics           | '{"type":"latency","toxicity":"high"}'                       | 400
        POST   | /proxies/cache/toxics           | '{"type":"latency","attributes":[1]}'                        | 400
        POST   | /proxies/cache/toxics           | '{"type":"noop","attributes":{"latency":1}}'                 | 400
        POST   | /proxies/cache/toxics/existing  | '{"attributes":{"latency":9223372036854775808}}'             | 400
        GET    | /nosuch                         | ''                                                           | 404
        """)
    void badInputGetsItsStatus(String method, String path, String body, int expected) throws Exception {
        http.post("/proxies", createBody("cache"));
        http.post("/proxies/cache/toxics", "{\"type\":\"latency\",\"name\":\"existing\",\"attributes\":{\"latency\":1}}");
        Http.Response r = http.send(method, path, body.isEmpty() ? null : body);
        assertEquals(expected, r.status(), r.body());
        assertEquals(expected, r.json().get("status").asInt());
        assertFalse(r.json().get("error").asText().isBlank());
        // Nothing lost on bad input: the proxy and its toxic are as they were.
        JsonNode cache = http.get("/proxies/cache").json();
        assertEquals(1, cache.get("toxics").size());
        assertEquals(1, cache.get("toxics").get(0).get("attributes").get("latency").asInt());
        assertEquals(1.0, cache.get("toxics").get(0).get("toxicity").asDouble());
    }

    @Test
    void aNumberTooLargeIsReportedAsGiven() throws Exception {
        http.post("/proxies", createBody("cache"));
        Http.Response r = http.post("/proxies/cache/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":9223372036854775808}}");
        assertEquals(400, r.status());
        String error = r.json().get("error").asText();
        assertTrue(error.contains("got 9223372036854775808") && !error.contains("-9223372036854775808"), error);
    }

    @Test
    void aListenHostThatDoesNotResolveIsA400Sentence() throws Exception {
        Http.Response r = http.post("/proxies", "{\"name\":\"x\",\"listen\":\"999.1.1.1:0\",\"upstream\":\"" + echo.address() + "\"}");
        assertEquals(400, r.status(), r.body());
        String error = r.json().get("error").asText();
        assertTrue(error.contains("'999.1.1.1'") && !error.contains("Exception"), error);
        assertEquals(404, http.get("/proxies/x").status());
    }

    @Test
    void noopToxicPassesDataUnchanged() throws Exception {
        JsonNode p = http.post("/proxies", createBody("cache")).json();
        Http.Response added = http.post("/proxies/cache/toxics", "{\"type\":\"noop\",\"stream\":\"upstream\"}");
        assertEquals(200, added.status(), added.body());
        assertEquals("noop_upstream", added.json().get("name").asText());
        assertEquals(0, added.json().get("attributes").size());
        http.post("/proxies/cache/toxics", "{\"type\":\"noop\"}");
        assertEquals(2, http.get("/proxies/cache/toxics").json().size());
        int port = Integer.parseInt(p.get("listen").asText().split(":")[1]);
        byte[] sent = new byte[256 * 1024];
        new java.util.Random(16).nextBytes(sent);
        try (Socket s = Sockets.connect(port)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(sent);
                } catch (IOException ignored) {
                    // the read below fails and says so
                }
            });
            assertArrayEquals(sent, Sockets.readExactly(s, sent.length));
            writer.join();
        }
        assertEquals(204, http.delete("/proxies/cache/toxics/noop_upstream").status());
    }

    private static final String CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    @Test
    void aWebPageCannotDriveTheApi() throws Exception {
        // What a page's fetch(…, {method: "POST", body: …}) sends: text/plain needs no preflight.
        Http.Response post = http.send("POST", "/proxies", createBody("evil"),
            "User-Agent", CHROME, "Content-Type", "text/plain;charset=UTF-8", "Origin", "http://evil.example");
        assertEquals(403, post.status(), post.body());
        assertEquals("User agent not allowed", post.json().get("error").asText());
        assertEquals(403, http.send("GET", "/proxies", null, "User-Agent", CHROME).status());
        // A client that hides its User-Agent but carries a foreign Origin changes nothing either.
        Http.Response foreign = http.send("POST", "/proxies", createBody("evil"), "Origin", "http://evil.example");
        assertEquals(403, foreign.status(), foreign.body());
        assertEquals(404, http.get("/proxies/evil").status());
        assertEquals(0, http.get("/proxies").json().size());
    }

    @Test
    void clientsThatNeverFinishTheirHeadersDoNotLockTheApi() throws Exception {
        java.util.List<Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = Sockets.connect(api.port());
                s.getOutputStream().write("GET /proxies HTTP/1.1\r\nHost: x\r\n".getBytes());
                slow.add(s);
            }
            http.get("/version");
            long t0 = System.nanoTime();
            Http.Response r = http.post("/proxies", createBody("cache"));
            assertEquals(201, r.status(), r.body());
            // Tolerance: ~1 ms here; a locked API never answers (the client gives up after 10 s).
            double millis = Sockets.millisSince(t0);
            assertTrue(millis < 1_000, millis + " ms");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void listenPortInUseIs500AndProxyNotCreated() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Http.Response r = http.post("/proxies", "{\"name\":\"clash\",\"listen\":\"127.0.0.1:" + taken.getLocalPort()
                + "\",\"upstream\":\"" + echo.address() + "\"}");
            assertEquals(500, r.status(), r.body());
            assertTrue(r.json().get("error").asText().contains(String.valueOf(taken.getLocalPort())), r.body());
            assertEquals(404, http.get("/proxies/clash").status());
        }
    }

    @Test
    void metricsCountBytesWhileConnectionIsOpen() throws Exception {
        JsonNode p = http.post("/proxies", createBody("cache")).json();
        int port = Integer.parseInt(p.get("listen").asText().split(":")[1]);
        try (Socket s = Sockets.connect(port)) {
            s.getOutputStream().write(new byte[1000]);
            Sockets.readExactly(s, 1000);
            Http.Response m = http.get("/metrics");
            assertEquals(200, m.status());
            assertTrue(m.body().contains("chaos_proxy_bytes_total{proxy=\"cache\",direction=\"upstream\"} 1000"), m.body());
            assertTrue(m.body().contains("chaos_proxy_bytes_total{proxy=\"cache\",direction=\"downstream\"} 1000"), m.body());
            assertTrue(m.body().contains("chaos_proxy_connections_open{proxy=\"cache\"} 1"), m.body());
        }
    }
}
