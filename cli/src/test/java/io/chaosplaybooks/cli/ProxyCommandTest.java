package io.chaosplaybooks.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyCommandTest {
    private static CliRunner.Result run(String... args) {
        return CliRunner.run(args);
    }

    @Test
    void helpTeachesWithACurlExample() {
        CliRunner.Result r = run("proxy", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("curl -s -XPOST localhost:8474/proxies"), r.out());
        assertTrue(r.out().contains("--config"));
    }

    @Test
    void everyCurlExampleInTheHelpWorksAgainstTheApi() throws Exception {
        String help = run("proxy", "--help").out();
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }
        ProxyCommand command = new ProxyCommand();
        new CommandLine(command).parseArgs("--port", "0");
        ProxyCommand.Running running = command.start(new PrintWriter(new StringWriter(), true));
        try {
            HttpClient http = HttpClient.newHttpClient();
            List<String> lines = help.lines().toList();
            int examples = 0;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (!line.startsWith("curl -s -XPOST localhost:8474")) {
                    continue;
                }
                String path = line.replace("curl -s -XPOST localhost:8474", "").replace("\\", "").strip();
                String body = "";
                if (lines.get(i).strip().endsWith("\\")) {
                    String next = lines.get(++i).strip();
                    body = next.substring(next.indexOf('\'') + 1, next.lastIndexOf('\''))
                        .replace("127.0.0.1:22122", "127.0.0.1:" + freePort); // the documented port may be taken here
                }
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.api().port() + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(r.statusCode() / 100 == 2, line + " -> " + r.statusCode() + " " + r.body());
                examples++;
            }
            assertEquals(4, examples, "the help shows four curl examples");
        } finally {
            running.close();
        }
    }

    @Test
    void apiPortInUseIsOneLineAndExit3() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CliRunner.Result r = run("proxy", "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(ExitCodes.RUNTIME_ERROR, r.exitCode());
            assertTrue(r.err().contains("address already in use"), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
        }
    }

    @Test
    void missingOrBadConfigIsExit2(@TempDir Path dir) throws IOException {
        CliRunner.Result missing = run("proxy", "--port", "0", "--config", dir.resolve("nope.json").toString());
        assertEquals(ExitCodes.INVALID, missing.exitCode());
        assertTrue(missing.err().contains("config file not found"), missing.err());

        Path bad = Files.writeString(dir.resolve("bad.json"), "[{\"name\":\"cache\"}]");
        CliRunner.Result noUpstream = run("proxy", "--port", "0", "--config", bad.toString());
        assertEquals(ExitCodes.INVALID, noUpstream.exitCode());
        assertTrue(noUpstream.err().contains("upstream"), noUpstream.err());

        Path broken = Files.writeString(dir.resolve("broken.json"), "[{\"name\":");
        assertEquals(ExitCodes.INVALID, run("proxy", "--port", "0", "--config", broken.toString()).exitCode());
    }

    @Test
    void servesTheApiWithConfiguredProxiesAndStopsCleanly(@TempDir Path dir) throws Exception {
        int proxyPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            proxyPort = probe.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("proxies.json"),
            "[{\"name\":\"cache\",\"listen\":\"127.0.0.1:" + proxyPort + "\",\"upstream\":\"127.0.0.1:1\"}]");
        ProxyCommand command = new ProxyCommand();
        new CommandLine(command).parseArgs("--port", "0", "--config", config.toString());
        StringWriter out = new StringWriter();
        ProxyCommand.Running running = command.start(new PrintWriter(out, true));
        try {
            assertTrue(out.toString().contains("cache: 127.0.0.1:" + proxyPort), out.toString());
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.api().port() + "/proxies")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"cache\""), r.body());
            new Socket("127.0.0.1", proxyPort).close();
        } finally {
            running.close();
        }
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", proxyPort).close(), "proxy listener closed");
    }

    @Test
    void aTokenFileMakesEveryCallNeedTheBearerToken(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t0ken-123\n");
        ProxyCommand command = new ProxyCommand();
        new CommandLine(command).parseArgs("--port", "0", "--token-file", token.toString());
        StringWriter out = new StringWriter();
        ProxyCommand.Running running = command.start(new PrintWriter(out, true));
        try {
            assertTrue(out.toString().contains("bearer token required"), out.toString());
            URI version = URI.create("http://127.0.0.1:" + running.api().port() + "/version");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> without = http.send(HttpRequest.newBuilder(version).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, without.statusCode(), without.body());
            HttpResponse<String> with = http.send(HttpRequest.newBuilder(version).header("Authorization", "Bearer t0ken-123").build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, with.statusCode(), with.body());
        } finally {
            running.close();
        }
    }

    @Test
    void aMissingOrEmptyTokenFileIsExit2(@TempDir Path dir) throws IOException {
        CliRunner.Result missing = run("proxy", "--port", "0", "--token-file", dir.resolve("nope").toString());
        assertEquals(ExitCodes.INVALID, missing.exitCode());
        assertTrue(missing.err().contains("token file not found"), missing.err());
        Path empty = Files.writeString(dir.resolve("empty"), "  \n");
        CliRunner.Result blank = run("proxy", "--port", "0", "--token-file", empty.toString());
        assertEquals(ExitCodes.INVALID, blank.exitCode());
        assertTrue(blank.err().contains("must hold one token"), blank.err());
    }

    @Test
    void anApiHostThatDoesNotResolveIsOneLine() {
        CliRunner.Result r = run("proxy", "--host", "999.1.1.1", "--port", "0");
        assertEquals(ExitCodes.RUNTIME_ERROR, r.exitCode());
        assertTrue(r.err().contains("999.1.1.1") && r.err().contains("cannot resolve"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
    }
}
