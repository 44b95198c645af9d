package io.chaosplaybooks.runtime.proxy;

import org.HdrHistogram.Histogram;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The benchmark behind {@code bench/proxy} (not a test: numbers here are never asserted).
 *
 * <p>Closed-loop memcached load (90 % get, 10 % set, 100-byte values, 10,000 keys) over N
 * connections, a platform thread each, alternating rounds direct to memcached, through the engine
 * with no toxics, and through the engine with a 0 ms latency toxic on both streams, so that machine
 * noise hits all three alike. Prints ops/s and p50/p99 per round and the median ratio against direct.
 * Then opens idle connections through the engine and reports memory and threads per connection.
 *
 * <p>Arguments: {@code upstream-host:port connections seconds rounds idle-connections}. With
 * upstream {@code echo}, an in-process echo server stands in for memcached (each request is echoed).
 */
public final class ProxyBenchmark {
    private static final int KEYS = 10_000;
    private static final int VALUE_SIZE = 100;

    private record Result(double opsPerSecond, double p50Micros, double p99Micros) {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("serve")) {
            serve(args[1]);
            return;
        }
        if (args.length == 3 && args[0].equals("hold")) {
            hold(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        if (args.length == 5 && args[0].equals("loss")) {
            loss(args[1], Double.parseDouble(args[2]), Integer.parseInt(args[3]), args[4].equals("adaptive"));
            return;
        }
        String upstreamArg = args.length > 0 ? args[0] : "echo";
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int idle = args.length > 4 ? Integer.parseInt(args[4]) : 2_000;

        EchoServer echo = null;
        boolean memcached = !upstreamArg.equals("echo");
        String upstream = upstreamArg;
        if (!memcached) {
            echo = new EchoServer();
            upstream = echo.address();
        }
        int upstreamPort = Integer.parseInt(upstream.substring(upstream.lastIndexOf(':') + 1));
        System.out.printf("upstream: %s (%s), %d connections, %d s per run, %d rounds, %d cores%n",
            upstream, memcached ? "memcached, 90% get / 10% set, 100-byte values" : "echo, 100-byte requests",
            connections, seconds, rounds, Runtime.getRuntime().availableProcessors());

        try (FaultEngine engine = new FaultEngine()) {
            int plainPort = engine.createProxy(ProxySpec.of("plain", "127.0.0.1:0", upstream)).listenPort();
            int toxicPort = engine.createProxy(ProxySpec.of("latency0", "127.0.0.1:0", upstream)).listenPort();
            engine.addToxic("latency0", ToxicSpec.of("latency", "downstream", Map.of("latency", 0)));
            engine.addToxic("latency0", ToxicSpec.of("latency", "upstream", Map.of("latency", 0)));
            if (memcached) {
                preload(upstreamPort);
            }
            // Warm-up: JIT both paths before anything counts.
            run(upstreamPort, connections, 2, memcached);
            run(plainPort, connections, 2, memcached);
            run(toxicPort, connections, 2, memcached);

            List<Result> direct = new ArrayList<>();
            List<Result> proxied = new ArrayList<>();
            List<Result> toxic = new ArrayList<>();
            System.out.printf("%-7s %-28s %12s %10s %10s%n", "round", "path", "ops/s", "p50 µs", "p99 µs");
            for (int r = 1; r <= rounds; r++) {
                direct.add(print(r, "direct", run(upstreamPort, connections, seconds, memcached)));
                proxied.add(print(r, "engine, no toxics", run(plainPort, connections, seconds, memcached)));
                toxic.add(print(r, "engine, latency 0 ms toxics", run(toxicPort, connections, seconds, memcached)));
            }
            double d = median(direct.stream().mapToDouble(Result::opsPerSecond).toArray());
            double p = median(proxied.stream().mapToDouble(Result::opsPerSecond).toArray());
            double t = median(toxic.stream().mapToDouble(Result::opsPerSecond).toArray());
            double dp99 = median(direct.stream().mapToDouble(Result::p99Micros).toArray());
            double pp99 = median(proxied.stream().mapToDouble(Result::p99Micros).toArray());
            double tp99 = median(toxic.stream().mapToDouble(Result::p99Micros).toArray());
            System.out.printf("median ops/s: direct %.0f, engine %.0f, engine+latency0 %.0f%n", d, p, t);
            System.out.printf("RATIO engine/direct = %.2f   engine+latency0/direct = %.2f%n", p / d, t / d);
            System.out.printf("added p99: engine %+.0f µs, engine+latency0 %+.0f µs%n", pp99 - dp99, tp99 - dp99);

            if (idle > 0) {
                idleConnections(engine, plainPort, idle);
            }
        } finally {
            if (echo != null) {
                echo.close();
            }
        }
    }

    /**
     * For an external load generator (memcaslap): proxies "plain" and "latency0" (0 ms latency toxics
     * on both streams) to the upstream, and the {@link BareForwarder} and {@link BareEventLoopForwarder} controls; prints their ports,
     * serves until stdin closes.
     */
    private static void serve(String upstream) throws IOException {
        InetSocketAddress upstreamAddress = new InetSocketAddress("127.0.0.1", Integer.parseInt(upstream.substring(upstream.lastIndexOf(':') + 1)));
        int loops = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())); // as the engine's IoLoopGroup
        try (FaultEngine engine = new FaultEngine(); BareForwarder bare = new BareForwarder(upstreamAddress);
             BareEventLoopForwarder bareLoop = new BareEventLoopForwarder(upstreamAddress, loops)) {
            int plainPort = engine.createProxy(ProxySpec.of("plain", "127.0.0.1:0", upstream)).listenPort();
            int toxicPort = engine.createProxy(ProxySpec.of("latency0", "127.0.0.1:0", upstream)).listenPort();
            engine.addToxic("latency0", ToxicSpec.of("latency", "downstream", Map.of("latency", 0)));
            engine.addToxic("latency0", ToxicSpec.of("latency", "upstream", Map.of("latency", 0)));
            System.out.println("plain " + plainPort);
            System.out.println("latency0 " + toxicPort);
            System.out.println("bare " + bare.port());
            System.out.println("bareloop " + bareLoop.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Serve until the script closes our stdin.
            }
        }
    }

    /**
     * The reference's first experiment through the loss toxic: sequential gets on one connection to
     * memcached, loss {@code rate} on both streams, for {@code seconds}. Prints what the reference's
     * table shows: ops/s, p50/p90/p99, share slower than 150 ms.
     */
    private static void loss(String upstream, double rate, int seconds, boolean adaptive) throws Exception {
        int upstreamPort = Integer.parseInt(upstream.substring(upstream.lastIndexOf(':') + 1));
        preload(upstreamPort);
        try (FaultEngine engine = new FaultEngine()) {
            int port = engine.createProxy(ProxySpec.of("lossy", "127.0.0.1:0", upstream)).listenPort();
            for (String stream : List.of("upstream", "downstream")) {
                engine.addToxic("lossy", ToxicSpec.of("loss", stream, Map.of("rate", rate, "adaptive", adaptive ? 1 : 0)));
            }
            Histogram h = new Histogram(600_000_000_000L, 3);
            long slow = 0;
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                InputStream in = new BufferedInputStream(s.getInputStream());
                SplittableRandom random = new SplittableRandom(1);
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    out.write(("get key:" + random.nextInt(KEYS) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    readGet(in);
                    long micros = (System.nanoTime() - t0) / 1_000;
                    h.recordValue(micros);
                    if (micros > 150_000) {
                        slow++;
                    }
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("loss %.0f%% per direction (%s): %d gets in %.1f s: %.1f ops/s, p50 %.2f ms, p90 %.2f ms, p99 %.0f ms, share > 150 ms %.1f%%%n",
                rate * 100, adaptive ? "adaptive RTO" : "fixed RTO", h.getTotalCount(), elapsed, h.getTotalCount() / elapsed,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                100.0 * slow / h.getTotalCount());
        }
    }

    private static Result print(int round, String path, Result r) {
        System.out.printf("%-7d %-28s %12.0f %10.0f %10.0f%n", round, path, r.opsPerSecond(), r.p50Micros(), r.p99Micros());
        return r;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void preload(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            byte[] value = new byte[VALUE_SIZE];
            Arrays.fill(value, (byte) 'v');
            for (int k = 0; k < KEYS; k++) {
                out.write(("set key:" + k + " 0 0 " + VALUE_SIZE + " noreply\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(value);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("get key:0\r\n".getBytes(StandardCharsets.US_ASCII));
            readGet(in);
        }
    }

    /** Runs the closed loop for {@code seconds}; returns throughput and latency percentiles. */
    private static Result run(int port, int connections, int seconds, boolean memcached) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Histogram[] histograms = new Histogram[connections];
        long[] counts = new long[connections];
        CountDownLatch ready = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            int index = i;
            histograms[i] = new Histogram(60_000_000_000L, 2);
            threads.add(Thread.ofPlatform().name("bench-client-" + i).start(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    SplittableRandom random = new SplittableRandom(index);
                    byte[] value = new byte[VALUE_SIZE];
                    Arrays.fill(value, (byte) 'w');
                    ready.countDown();
                    go.await();
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        if (memcached) {
                            int key = random.nextInt(KEYS);
                            if (random.nextInt(10) == 0) {
                                byte[] head = ("set key:" + key + " 0 0 " + VALUE_SIZE + "\r\n").getBytes(StandardCharsets.US_ASCII);
                                byte[] request = new byte[head.length + VALUE_SIZE + 2];
                                System.arraycopy(head, 0, request, 0, head.length);
                                System.arraycopy(value, 0, request, head.length, VALUE_SIZE);
                                request[request.length - 2] = '\r';
                                request[request.length - 1] = '\n';
                                out.write(request);
                                String line = readLine(in);
                                if (!line.equals("STORED")) {
                                    throw new IOException("unexpected reply to set: " + line);
                                }
                            } else {
                                out.write(("get key:" + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
                                readGet(in);
                            }
                        } else {
                            out.write(value);
                            in.readNBytes(VALUE_SIZE);
                        }
                        histograms[index].recordValue((System.nanoTime() - start) / 1_000);
                        counts[index]++;
                    }
                } catch (Exception e) {
                    if (!stop.get()) {
                        System.err.println("client " + index + ": " + e);
                    }
                    ready.countDown();
                }
            }));
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (Thread t : threads) {
            t.join(30_000);
        }
        Histogram all = new Histogram(60_000_000_000L, 2);
        long ops = 0;
        for (int i = 0; i < connections; i++) {
            all.add(histograms[i]);
            ops += counts[i];
        }
        return new Result(ops / elapsed, all.getValueAtPercentile(50), all.getValueAtPercentile(99));
    }

    private static void readGet(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.startsWith("VALUE ")) {
            int bytes = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
            in.readNBytes(bytes + 2);
            line = readLine(in);
        }
        if (!line.equals("END")) {
            throw new IOException("unexpected reply to get: " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed");
    }

    /**
     * Opens idle connections through the engine and reports what each costs the engine's process.
     * The client sockets are held by a child JVM ({@code hold} mode), so that this process has only
     * the engine's two descriptors per connection, as in real use.
     */
    private static void idleConnections(FaultEngine engine, int port, int count) throws Exception {
        long heapBefore = heapAfterGc();
        long rssBefore = rssBytes();
        int threadsBefore = Thread.activeCount();
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        Process holder = new ProcessBuilder(javaBinary, "-Xss256k", "-cp", System.getProperty("java.class.path"),
            ProxyBenchmark.class.getName(), "hold", String.valueOf(port), String.valueOf(count))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String ready = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine();
            if (ready == null || !ready.startsWith("holding")) {
                System.out.println("idle connections: the holder process failed: " + ready);
                return;
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (openConnections(engine) < count && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(500); // let the last connections settle
            int open = openConnections(engine);
            long heap = heapAfterGc() - heapBefore;
            long rss = rssBytes() - rssBefore;
            int threads = Thread.activeCount() - threadsBefore;
            System.out.printf("idle connections: %d open through the engine (client sockets in another process); +%d threads; heap +%.1f MB (%.2f KB each); RSS +%.1f MB (%.2f KB each)%n",
                open, threads, heap / 1e6, heap / 1e3 / open, rss / 1e6, rss / 1e3 / open);
        } finally {
            holder.getOutputStream().close(); // the holder exits when its stdin closes
            holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            holder.destroyForcibly();
        }
    }

    /** Child mode for {@link #idleConnections}: opens {@code count} connections, one byte each, holds them until stdin closes. */
    private static void hold(int port, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                Socket s = new Socket("127.0.0.1", port);
                sockets.add(s);
                s.getOutputStream().write('x'); // data through the engine: both directions set up
            }
            System.out.println("holding " + count);
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static int openConnections(FaultEngine engine) {
        return engine.stats().stream().filter(s -> s.proxy().equals("plain")).findFirst().orElseThrow().openConnections();
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
