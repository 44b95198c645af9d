package io.chaosplaybooks.runtime.targets;

import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class MemcachedStandInTest {
    private MemcachedStandIn standIn;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    @BeforeEach
    void start() throws IOException {
        standIn = MemcachedStandIn.start("127.0.0.1", 0, 4L * 1024 * 1024);
        socket = new Socket("127.0.0.1", standIn.port());
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true); // small writes, each awaited: Nagle would add 40 ms to each
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        out = socket.getOutputStream();
    }

    @AfterEach
    void stop() throws IOException {
        socket.close();
        standIn.close();
    }

    /** Sends raw text and reads {@code lines} answer lines. */
    private List<String> send(String text, int lines) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        List<String> answer = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            answer.add(in.readLine());
        }
        return answer;
    }

    @Test
    void storageCommands() throws IOException {
        assertEquals(List.of("STORED"), send("set a 5 0 3\r\nabc\r\n", 1));
        assertEquals(List.of("VALUE a 5 3", "abc", "END"), send("get a\r\n", 3));
        assertEquals(List.of("NOT_STORED"), send("add a 0 0 1\r\nx\r\n", 1));
        assertEquals(List.of("STORED"), send("add b 0 0 1\r\nx\r\n", 1));
        assertEquals(List.of("NOT_STORED"), send("replace nope 0 0 1\r\nx\r\n", 1));
        assertEquals(List.of("STORED"), send("replace b 0 0 1\r\ny\r\n", 1));
        assertEquals(List.of("STORED"), send("append a 0 0 2\r\nde\r\n", 1));
        assertEquals(List.of("STORED"), send("prepend a 0 0 2\r\n<<\r\n", 1));
        assertEquals(List.of("NOT_STORED"), send("append nope 0 0 2\r\nde\r\n", 1));
        assertEquals(List.of("VALUE a 5 7", "<<abcde", "VALUE b 0 1", "y", "END"), send("get a nope b\r\n", 5));
        assertEquals(List.of("CLIENT_ERROR bad data chunk"), send("set c 0 0 2\r\nabcd\r\n", 1).subList(0, 1));
    }

    @Test
    void casCounterDeleteTouchFlush() throws IOException {
        send("set k 0 0 1\r\n1\r\n", 1);
        String header = send("gets k\r\n", 3).get(0);
        long cas = Long.parseLong(header.split(" ")[4]);
        assertEquals(List.of("EXISTS"), send("cas k 0 0 1 " + (cas + 1) + "\r\n2\r\n", 1));
        assertEquals(List.of("STORED"), send("cas k 0 0 1 " + cas + "\r\n5\r\n", 1));
        assertEquals(List.of("NOT_FOUND"), send("cas zz 0 0 1 1\r\n5\r\n", 1));
        assertEquals(List.of("15"), send("incr k 10\r\n", 1));
        assertEquals(List.of("0"), send("decr k 100\r\n", 1));
        assertEquals(List.of("NOT_FOUND"), send("incr none 1\r\n", 1));
        send("set t 0 0 3\r\nabc\r\n", 1);
        assertEquals(List.of("CLIENT_ERROR cannot increment or decrement non-numeric value"), send("incr t 1\r\n", 1));
        assertEquals(List.of("18446744073709551615"), send("set m 0 0 20\r\n18446744073709551614\r\nincr m 1\r\n", 2).subList(1, 2));
        assertEquals(List.of("0"), send("incr m 1\r\n", 1), "incr wraps at 2^64 like memcached");
        assertEquals(List.of("TOUCHED"), send("touch k 100\r\n", 1));
        assertEquals(List.of("NOT_FOUND"), send("touch none 100\r\n", 1));
        assertEquals(List.of("DELETED"), send("delete k\r\n", 1));
        assertEquals(List.of("NOT_FOUND"), send("delete k\r\n", 1));
        assertEquals(List.of("OK"), send("flush_all\r\n", 1));
        assertEquals(List.of("END"), send("get t m\r\n", 1));
        // noreply: no answer at all, the next command's answer comes first
        assertEquals(List.of("VALUE q 0 1", "z", "END"), send("set q 0 0 1 noreply\r\nz\r\nget q\r\n", 3));
    }

    @Test
    void expiryVersionStatsAndErrors() throws Exception {
        assertEquals(List.of("STORED"), send("set e 0 1 1\r\nx\r\n", 1));
        assertEquals(List.of("STORED"), send("set gone 0 -1 1\r\nx\r\n", 1));
        assertEquals(List.of("END"), send("get gone\r\n", 1));
        Thread.sleep(1_100);
        assertEquals(List.of("END"), send("get e\r\n", 1), "1 s TTL expired");
        assertEquals(List.of("VERSION " + MemcachedStandIn.VERSION), send("version\r\n", 1));
        assertEquals(List.of("ERROR"), send("bogus\r\n", 1));
        assertEquals(List.of("CLIENT_ERROR bad command line format"), send("set " + "k".repeat(251) + " 0 0 1\r\n", 1));
        out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Map<String, String> stats = new java.util.HashMap<>();
        String line;
        while (!(line = in.readLine()).equals("END")) {
            String[] w = line.split(" ");
            stats.put(w[1], w[2]);
        }
        assertEquals("2", stats.get("cmd_get"));
        assertEquals("0", stats.get("get_hits"));
        assertEquals(MemcachedStandIn.VERSION, stats.get("version"));
        assertTrue(stats.containsKey("curr_items") && stats.containsKey("evictions") && stats.containsKey("limit_maxbytes"));
    }

    @Test
    void memoryIsBoundedLeastRecentlyUsedGoesFirst() throws IOException {
        byte[] value = new byte[10_000];
        for (int i = 0; i < 1_000; i++) { // 10 MB into 4 MB
            if (i % 100 == 0) {
                assertEquals(List.of("VALUE hot 0 1", "h", "END"), send((i == 0 ? "set hot 0 0 1\r\nh\r\n" : "") + "get hot\r\n", i == 0 ? 4 : 3).subList(i == 0 ? 1 : 0, i == 0 ? 4 : 3));
            }
            java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
            request.write(("set k" + i + " 0 0 " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.write(value);
            request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(request.toByteArray());
            assertEquals("STORED", in.readLine());
        }
        assertTrue(standIn.itemCount() < 450, "items kept: " + standIn.itemCount());
        assertEquals(List.of("END"), send("get k0\r\n", 1), "the oldest item was evicted");
        assertEquals("VALUE hot 0 1", send("get hot\r\n", 3).get(0), "the item read all along survived");
        assertEquals(List.of("SERVER_ERROR object too large for cache"),
            send("set big 0 0 " + (2 * 1024 * 1024) + "\r\n" + "x".repeat(2 * 1024 * 1024) + "\r\n", 1));
    }

    @Test
    void xmemcachedTalksToIt() throws Exception {
        MemcachedClient client = new XMemcachedClientBuilder(List.of(new InetSocketAddress("127.0.0.1", standIn.port()))).build();
        try {
            assertTrue(client.set("x", 0, "hello"));
            assertEquals("hello", client.get("x"));
            GetsResponse<String> gets = client.gets("x");
            assertTrue(client.cas("x", 0, "world", gets.getCas()));
            assertFalse(client.cas("x", 0, "again", gets.getCas()));
            assertEquals("world", client.get("x"));
            assertTrue(client.add("n", 0, "1"));
            assertEquals(6, client.incr("n", 5));
            assertEquals(4, client.decr("n", 2));
            assertTrue(client.append("x", "!"));
            assertTrue(client.prepend("x", "<"));
            assertEquals("<world!", client.get("x"));
            assertTrue(client.touch("x", 100));
            Map<String, Object> multi = client.get(List.of("x", "n", "absent"));
            assertEquals(2, multi.size());
            assertTrue(client.replace("x", 0, "r"));
            assertTrue(client.delete("x"));
            assertNull(client.get("x"));
            byte[] big = new byte[100_000];
            new java.util.Random(1).nextBytes(big);
            assertTrue(client.set("bytes", 0, big));
            assertArrayEquals(big, client.get("bytes"));
            client.flushAll();
            assertNull(client.get("n"));
            assertTrue(client.getVersions().values().iterator().next().contains("stand-in"));
        } finally {
            client.shutdown();
        }
    }
}
