package io.chaosplaybooks.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server layer on real sockets: slow clients, deadlines, guards, errors. */
class ApiServerTest {
    private final AtomicInteger posts = new AtomicInteger();
    private final List<Socket> opened = new ArrayList<>();
    private ApiServer server;

    private Router router() {
        return new Router()
            .route("GET", "/things/{id}", req -> ApiReply.json(200, "{\"id\":\"" + req.param("id") + "\"}"))
            .route("GET", "/query", req -> ApiReply.json(200, "{\"state\":\"" + req.query("state") + "\",\"n\":" + req.query().size() + "}"))
            .route("GET", "/page", req -> ApiReply.text(200, "text/html", "<p>page</p>"))
            .route("POST", "/things", req -> {
                posts.incrementAndGet();
                return ApiReply.json(201, "{\"bytes\":" + req.body().length + "}");
            })
            .route("DELETE", "/things/{id}", req -> {
                throw new IllegalStateException("boom");
            })
            .mapErrors(e -> e instanceof IllegalStateException ? new ApiError(409, "conflict: " + e.getMessage()) : null);
    }

    private ApiServer start(ServerSettings settings) throws IOException {
        server = ApiServer.start(settings, router());
        return server;
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : opened) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        s.setSoTimeout(10_000);
        opened.add(s);
        return s;
    }

    record Reply(int status, String head, String body) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(body);
        }
    }

    /** One request on a new connection (Connection: close), answer read to the end. */
    private Reply call(String method, String path, String body, String... headers) throws IOException {
        try (Socket s = connect()) {
            boolean ownHost = java.util.Arrays.stream(headers).anyMatch(h -> h.startsWith("Host:"));
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n"
                + (ownHost ? "" : "Host: 127.0.0.1:" + server.port() + "\r\n") + "Connection: close\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                req.append("Content-Length: ").append(bytes.length).append("\r\n");
            }
            req.append("\r\n");
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().write(bytes);
            return parse(s.getInputStream().readAllBytes());
        }
    }

    private static Reply parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int split = text.indexOf("\r\n\r\n");
        String head = text.substring(0, split);
        int status = Integer.parseInt(head.substring(9, 12));
        return new Reply(status, head, text.substring(split + 4));
    }

    @Test
    void fiftyClientsThatNeverFinishTheirHeadersDoNotSlowOthers() throws Exception {
        start(ServerSettings.of("127.0.0.1", 0));
        for (int i = 0; i < 50; i++) {
            Socket slow = connect();
            slow.getOutputStream().write(("POST /things HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n")
                .getBytes(StandardCharsets.UTF_8)); // no blank line: headers never end
        }
        call("GET", "/things/warm", null); // the first request loads classes; it is not the measure
        double[] millis = new double[20];
        for (int i = 0; i < millis.length; i++) {
            long t0 = System.nanoTime();
            Reply r = call("GET", "/things/" + i, null);
            millis[i] = (System.nanoTime() - t0) / 1e6;
            assertEquals(200, r.status(), r.body());
        }
        Arrays.sort(millis);
        // Tolerance: a probe answers in ~1 ms here; 100 ms (median) and 1 s (slowest) leave room for a
        // loaded machine, while a server that lets the 50 starve it does not answer at all.
        assertTrue(millis[millis.length / 2] < 100, "median " + millis[millis.length / 2] + " ms: " + Arrays.toString(millis));
        assertTrue(millis[millis.length - 1] < 1_000, "slowest " + millis[millis.length - 1] + " ms");
        assertEquals(0, posts.get());
    }

    @Test
    void aConnectionThatMissesTheHeaderDeadlineIsClosedEvenIfItKeepsSendingBytes() throws Exception {
        start(ServerSettings.of("127.0.0.1", 0).withDeadlines(Duration.ofMillis(300), Duration.ofSeconds(10), Duration.ofSeconds(30)));
        Socket stalled = connect();
        stalled.getOutputStream().write("GET /things/1 HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.UTF_8));
        Socket trickling = connect();
        trickling.getOutputStream().write("GET /things/1 HTTP/1.1\r\n".getBytes(StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        boolean trickleClosed = false;
        try {
            for (int i = 0; i < 50; i++) { // one header byte every 50 ms: idle never, done never
                trickling.getOutputStream().write('X');
                Thread.sleep(50);
            }
        } catch (IOException closed) {
            trickleClosed = true;
        }
        double trickleMillis = (System.nanoTime() - t0) / 1e6;
        assertTrue(trickleClosed, "still open after " + trickleMillis + " ms");
        assertEquals(-1, stalled.getInputStream().read(), "the stalled connection is closed, not answered");
    }

    @Test
    void keepAliveConnectionIsClosedWhenTheNextRequestDoesNotComeInTime() throws Exception {
        start(ServerSettings.of("127.0.0.1", 0).withDeadlines(Duration.ofMillis(300), Duration.ofSeconds(10), Duration.ofSeconds(30)));
        Socket s = connect();
        s.getOutputStream().write("GET /things/1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        byte[] first = readResponse(s.getInputStream());
        assertTrue(new String(first, StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"));
        long t0 = System.nanoTime();
        assertEquals(-1, s.getInputStream().read());
        double millis = (System.nanoTime() - t0) / 1e6;
        assertTrue(millis < 5_000, "closed after " + millis + " ms");
    }

    @Test
    void aBodyThatDoesNotArriveInTimeIs408() throws Exception {
        start(ServerSettings.of("127.0.0.1", 0).withDeadlines(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(30)));
        Socket s = connect();
        s.getOutputStream().write(("POST /things HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
            .getBytes(StandardCharsets.UTF_8));
        Reply r = parse(s.getInputStream().readAllBytes());
        assertEquals(408, r.status(), r.body());
        assertEquals(408, r.json().get("status").asInt());
        assertTrue(r.json().get("error").asText().contains("300 ms"), r.body());
        assertEquals(0, posts.get(), "the handler never ran");
    }

    @Test
    void bodiesAreReadWholeAndTooLargeOnesAre413() throws Exception {
        start(new ServerSettings("127.0.0.1", 0, null, true, Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(30), 1000));
        Reply ok = call("POST", "/things", "x".repeat(1000));
        assertEquals(201, ok.status(), ok.body());
        assertEquals(1000, ok.json().get("bytes").asInt());
        Reply big = call("POST", "/things", "x".repeat(1001));
        assertEquals(413, big.status(), big.body());
        assertEquals(1, posts.get());
    }

    @Test
    void browsersAreRefusedLikeToxiproxyDoes() throws Exception {
        start(ServerSettings.of("127.0.0.1", 0));
        String chrome = "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
        Reply get = call("GET", "/things/1", null, chrome);
        assertEquals(403, get.status());
        assertEquals("User agent not allowed", get.json().get("error").asText());
        Reply post = call("POST", "/things", "{}", chrome, "Content-Type: text/plain", "Origin: http://evil.example");
        assertEquals(403, post.status());
        assertEquals(0, posts.get());
        assertEquals(200, call("GET", "/things/1", null, "User-Agent: toxiproxy-java").status());
    }

    @Test
    void stateChangingRequestsFromAnotherOriginAreRefused() throws Exception {
        start(ServerSettings.of("127.0.0.1", 0));
        Reply foreign = call("POST", "/things", "{}", "Origin: http://evil.example");
        assertEquals(403, foreign.status(), foreign.body());
        assertTrue(foreign.json().get("error").asText().contains("http://evil.example"), foreign.body());
        assertEquals(403, call("POST", "/things", "{}", "Origin: null").status());
        assertEquals(403, call("DELETE", "/things/1", null, "Sec-Fetch-Site: cross-site").status());
        assertEquals(0, posts.get());
        assertEquals(201, call("POST", "/things", "{}", "Origin: http://127.0.0.1:" + server.port()).status());
        assertEquals(200, call("GET", "/things/1", null, "Origin: http://evil.example").status(), "reads are not state changes");
    }

    @Test
    void aBearerTokenIsRequiredWhenSet() throws Exception {
        start(ServerSettings.of("127.0.0.1", 0).withBearerToken("s3cret"));
        Reply none = call("GET", "/things/1", null);
        assertEquals(401, none.status());
        assertTrue(none.head().contains("WWW-Authenticate: Bearer"), none.head());
        assertEquals(401, call("GET", "/things/1", null, "Authorization: Bearer wrong").status());
        assertEquals(401, call("POST", "/things", "{}", "Authorization: Bearer s3cre").status());
        assertEquals(0, posts.get());
        assertEquals(200, call("GET", "/things/1", null, "Authorization: Bearer s3cret").status());
        assertTrue(!server.toString().contains("s3cret") && !ServerSettings.of("h", 1).withBearerToken("s3cret").toString().contains("s3cret"));
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() throws Exception {
        start(ServerSettings.of("127.0.0.1", 0));
        Reply missing = call("GET", "/nothing", null);
        assertEquals(404, missing.status());
        assertEquals(404, missing.json().get("status").asInt());
        Reply wrong = call("PUT", "/things/1", "{}");
        assertEquals(405, wrong.status());
        assertTrue(wrong.head().contains("Allow: GET, DELETE"), wrong.head());
        assertEquals("{\"id\":\"7\"}", call("GET", "//things/7/", null).body().strip(), "empty segments are ignored");
    }

    @Test
    void handlerExceptionsAreMappedOrAre500() throws Exception {
        start(ServerSettings.of("127.0.0.1", 0));
        Reply mapped = call("DELETE", "/things/1", null);
        assertEquals(409, mapped.status());
        assertEquals("conflict: boom", mapped.json().get("error").asText());
    }

    @Test
    void malformedRequestsGetAJsonError() throws Exception {
        start(ServerSettings.of("127.0.0.1", 0));
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /things/1 HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            Reply r = parse(s.getInputStream().readAllBytes());
            assertEquals(400, r.status());
            assertEquals(400, r.json().get("status").asInt(), r.body());
            assertTrue(!r.json().get("error").asText().isBlank(), r.body());
        }
    }

    @Test
    void aTakenPortIsABindExceptionAndAnUnknownHostASentence() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertThrows(BindException.class, () -> ApiServer.start(ServerSettings.of("127.0.0.1", taken.getLocalPort()), router()));
        }
        IOException e = assertThrows(IOException.class, () -> ApiServer.start(ServerSettings.of("999.1.1.1", 0), router()));
        assertTrue(e.getMessage().contains("999.1.1.1") && e.getMessage().contains("cannot resolve"), e.getMessage());
    }

    @Test
    void loopbackOnlyTellsLoopbackFromTheNetwork() {
        assertTrue(ServerSettings.of("127.0.0.1", 0).loopbackOnly());
        assertTrue(ServerSettings.of("localhost", 0).loopbackOnly());
        assertTrue(ServerSettings.of("::1", 0).loopbackOnly());
        assertTrue(!ServerSettings.of("0.0.0.0", 0).loopbackOnly());
    }

    /** Reads one Content-Length-framed response from a kept-alive connection. */
    private static byte[] readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in headers");
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.UTF_8);
        int at = h.toLowerCase().indexOf("content-length: ");
        int length = Integer.parseInt(h.substring(at + 16, h.indexOf("\r\n", at)).strip());
        in.readNBytes(length);
        return head.toByteArray();
    }

    @Test
    void queryParametersReachTheHandlerDecodedFirstValueFirst() throws IOException {
        start(ServerSettings.of("127.0.0.1", 0));
        Reply r = call("GET", "/query?state=run%20ning&state=other&flag", null);
        assertEquals(200, r.status(), r.body());
        assertEquals("run ning", r.json().get("state").asText());
        assertEquals(2, r.json().get("n").asInt());
        Reply bad = call("GET", "/query?state=%zz", null);
        assertEquals(400, bad.status(), bad.body());
        assertEquals(400, bad.json().get("status").asInt(), "a JSON error, from the handler's parse or Jetty's: " + bad.body());
    }

    @Test
    void aWebPageServerLetsBrowsersInAndOpensOnlyItsPagePathsWithoutTheToken() throws IOException {
        start(ServerSettings.of("127.0.0.1", 0).withBearerToken("t0ken").forWebPage(java.util.Set.of("/page")));
        assertEquals(200, call("GET", "/page", null, "User-Agent: Mozilla/5.0").status());
        assertEquals(401, call("GET", "/things/1", null, "User-Agent: Mozilla/5.0").status());
        assertEquals(200, call("GET", "/things/1", null, "User-Agent: Mozilla/5.0", "Authorization: Bearer t0ken").status());
        assertEquals(401, call("POST", "/page", "", "Authorization: Bearer nope").status(), "open for GET only");
    }

    @Test
    void aWebPageServerWithoutATokenAnswersOnlyToLoopbackNamesAndAddresses() throws IOException {
        start(ServerSettings.of("127.0.0.1", 0).forWebPage(java.util.Set.of("/page")));
        int port = server.port();
        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "app.localhost:" + port,
                                         "[::1]:" + port, "127.0.0.1"}) {
            assertEquals(200, call("GET", "/things/1", null, "Host: " + host).status(), host);
        }
        // DNS rebinding: the attacker's name, pointed at 127.0.0.1, with the browser's same-origin headers.
        Reply read = call("GET", "/things/1", null, "Host: rebind.example:" + port, "User-Agent: Mozilla/5.0");
        assertEquals(403, read.status(), read.body());
        assertTrue(read.json().get("error").asText().contains("Host rebind.example:" + port + " refused"), read.body());
        Reply write = call("POST", "/things", "{}", "Host: rebind.example:" + port, "Origin: http://rebind.example:" + port,
            "Sec-Fetch-Site: same-origin");
        assertEquals(403, write.status(), "same origin to the browser, refused by its Host: " + write.body());
        assertEquals(403, call("GET", "/page", null, "Host: rebind.example").status(), "the page too");
    }

    @Test
    void withATokenOrForToxiproxyClientsAnyHostNameIsAnswered() throws IOException {
        start(ServerSettings.of("127.0.0.1", 0).withBearerToken("t0ken").forWebPage(java.util.Set.of("/page")));
        assertEquals(200, call("GET", "/things/1", null, "Host: cache-box:1", "Authorization: Bearer t0ken").status(),
            "with a token, the token is the guard");
        server.close();
        start(ServerSettings.of("127.0.0.1", 0));
        assertEquals(200, call("GET", "/things/1", null, "Host: toxiproxy:8474").status(),
            "a Toxiproxy-style API refuses browsers by User-Agent and answers whatever name its clients use");
    }

    @Test
    void aSegmentIsDecodedAfterThePathIsSplitSoAnEncodedSlashStaysInIt() throws IOException {
        start(ServerSettings.of("127.0.0.1", 0));
        assertEquals("a/b", call("GET", "/things/a%2Fb", null).json().get("id").asText());
        assertEquals("a+b c", call("GET", "/things/a+b%20c", null).json().get("id").asText(), "a plus is a plus in a path");
        assertEquals(404, call("GET", "/things/a/b", null).status());
        assertEquals(400, call("GET", "/things/%zz", null).status());
    }
}
