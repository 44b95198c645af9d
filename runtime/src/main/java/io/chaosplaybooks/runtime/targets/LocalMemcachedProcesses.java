package io.chaosplaybooks.runtime.targets;

import io.chaosplaybooks.runtime.load.ServerEndpoint;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code memcached} processes on free loopback ports and stops them, whatever happens:
 * {@link #close()}, and a JVM shutdown hook for Ctrl-C and SIGTERM. (A SIGKILL of the JVM cannot
 * be caught; the processes then outlive it, which is why they listen on loopback only.)
 */
final class LocalMemcachedProcesses implements ProvisionedTargets {
    static final String LOOPBACK = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final int MEMORY_MEGABYTES = 64;
    private static final int START_ATTEMPTS = 3;

    /** Every process any instance started and has not stopped: the shutdown hook's list. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(LocalMemcachedProcesses::stop),
            "chaos-memcached-cleanup"));
    }

    private final List<Process> processes;
    private final List<ServerEndpoint> servers;

    private LocalMemcachedProcesses(List<Process> processes, List<ServerEndpoint> servers) {
        this.processes = processes;
        this.servers = List.copyOf(servers);
    }

    /** The memcached binary on PATH, if any. */
    static Optional<Path> findBinary() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "memcached");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static LocalMemcachedProcesses start(Path binary, int count, List<String> names) throws IOException {
        List<Process> started = new ArrayList<>();
        List<ServerEndpoint> endpoints = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                StartedProcess p = startOne(binary);
                started.add(p.process());
                endpoints.add(new ServerEndpoint(names.get(i), LOOPBACK, p.port()));
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(LocalMemcachedProcesses::stop);
            throw e;
        }
        return new LocalMemcachedProcesses(started, endpoints);
    }

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private record StartedProcess(Process process, int port) {}

    private static StartedProcess startOne(Path binary) throws IOException {
        IOException last = null;
        // A free port can be taken between our probe and memcached's bind: then try another.
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int port = freeLoopbackPort();
            List<String> command = new ArrayList<>(List.of(binary.toString(),
                "-l", LOOPBACK, "-p", Integer.toString(port), "-U", "0", "-m", Integer.toString(MEMORY_MEGABYTES)));
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("-u", "root")); // memcached refuses to run as root without it
            }
            // In a session of its own: a Ctrl-C at the terminal (sent to the whole foreground process group)
            // must not kill the servers under a REPL that goes on, or under a run's cleanup. setsid execs in place
            // (our child is no group leader), so the process is memcached itself.
            if (Files.isExecutable(SETSID)) command.add(0, SETSID.toString());
            Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
            LIVE.add(process);
            try {
                waitUntilAnswering(process, port);
                return new StartedProcess(process, port);
            } catch (IOException e) {
                stop(process);
                last = e;
            }
        }
        throw new IOException("could not start memcached (" + binary + ") on a free loopback port: "
            + (last == null ? "unknown reason" : last.getMessage()), last);
    }

    private static void waitUntilAnswering(Process process, int port) throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("memcached exited with code " + process.exitValue() + " before answering on port " + port);
            }
            if (answersVersion(LOOPBACK, port)) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for memcached on port " + port);
            }
        }
        throw new IOException("memcached did not answer 'version' on port " + port + " within " + READY_TIMEOUT.toSeconds() + " s");
    }

    /** True when a memcached-speaking server answers {@code version} on host:port. */
    static boolean answersVersion(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64];
            int n = in.read(buf);
            return n > 8 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("VERSION ");
        } catch (IOException e) {
            return false;
        }
    }

    /** Null when a memcached-speaking server answers {@code version} on host:port within {@code timeout}, else why not. */
    static String whyNotAnswering(String host, int port, Duration timeout) {
        int ms = (int) Math.max(1, timeout.toMillis());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), ms);
            s.setSoTimeout(ms);
            OutputStream out = s.getOutputStream();
            out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[64];
            int n = s.getInputStream().read(buf);
            if (n > 8 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("VERSION ")) return null;
            return n < 0 ? "closed the connection without answering 'version'" : "does not speak memcached (no VERSION reply)";
        } catch (java.net.ConnectException e) {
            return "connection refused";
        } catch (java.net.SocketTimeoutException e) {
            return "no answer within " + ms + " ms";
        } catch (java.net.UnknownHostException e) {
            return "unknown host " + host;
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(LOOPBACK, 0));
            return s.getLocalPort();
        }
    }

    private static void stop(Process p) {
        try {
            p.destroy();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(p);
        }
    }

    /** Process ids, so tests can check none is left behind. */
    List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    @Override
    public List<ServerEndpoint> servers() {
        return servers;
    }

    @Override
    public TargetKind kind() {
        return TargetKind.LOCAL_MEMCACHED;
    }

    @Override
    public void close() {
        processes.forEach(LocalMemcachedProcesses::stop);
    }
}
