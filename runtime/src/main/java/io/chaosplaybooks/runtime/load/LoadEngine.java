package io.chaosplaybooks.runtime.load;

import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.micrometer.core.instrument.MeterRegistry;
import net.rubyeye.xmemcached.exception.MemcachedClientException;
import net.rubyeye.xmemcached.exception.MemcachedServerException;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Drives memcached traffic over a set of servers and measures what the client sees.
 *
 * <pre>
 *  worker ─► pick op, key ─► ketama ring: key's primary ─► breaker permits? ─yes─► xmemcached client of that server
 *                                            │ no (open)                           │
 *                                            └─► next server on the ring ──────────┤
 *                                                (none left: BREAKER_OPEN)         ▼
 *                                                              outcome + latency ─► ServerStats (windows, snapshot)
 *                                                                                └► Micrometer meters
 * </pre>
 *
 * Closed loop: {@code clients} workers each issue the next operation when the previous one ends.
 * Open loop: operation {@code i} is due at {@code start + i / rate}; a free worker takes it, waits
 * until it is due, and its latency is measured from that due time, so time spent queued behind a
 * stalled server is counted (no coordinated omission). At most {@code clients} operations are in flight.
 *
 * <p>Lifecycle: {@link #start()} connects, pre-fills and starts the workers; the run ends at the
 * profile's duration or operation count, or at {@link #stop()}; {@link #close()} also disconnects.
 * Window listeners are called once a second on the engine's window thread.
 */
public final class LoadEngine implements AutoCloseable {
    private static final int MAX_SERVERS = 64;
    private static final int RECENT_WINDOWS_KEPT = 3600;
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long OPEN_BREAKER_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final List<ServerEndpoint> endpoints;
    private final LoadProfile profile;
    private final OperationMix mix;
    private final MeterRegistry registry;
    private final KetamaRing ring;
    private final KeyChooser keyChooser;
    private final String[] keyNames;
    /** Each key's point on the ring plus one, 0 until its first operation (found once, not per operation). */
    private final int[] keyPoints;
    private final byte[] valueSource;
    private final int ttlSeconds;
    private final long timeoutMillis;

    private final List<Consumer<LoadWindow>> windowListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<BreakerTransition>> breakerListeners = new CopyOnWriteArrayList<>();
    private final List<BreakerTransition> transitions = new CopyOnWriteArrayList<>();
    private final ArrayDeque<LoadWindow> recentWindows = new ArrayDeque<>();
    private final Object windowLock = new Object();
    private final AtomicLong issued = new AtomicLong();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicInteger runningWorkers = new AtomicInteger();

    private volatile MemcachedNode[] nodes = new MemcachedNode[0];
    /** Per server: passes a breaker transition on (made once, not per look). */
    private volatile List<Consumer<BreakerTransition>> transitionPublishers = List.of();
    private volatile EngineMeters meters;
    private volatile boolean stopping;
    private volatile State state = State.NEW;
    private final List<Thread> workers = new ArrayList<>();
    private ScheduledExecutorService windowThread;
    private volatile Thread windowThreadRef;
    private long startNanos;
    private Instant startInstant;
    private long lastWindowNanos;
    private Instant lastWindowInstant;
    private long prefillFailures;
    private Duration prefillTime = Duration.ZERO;

    private enum State { NEW, RUNNING, FINISHED, CLOSED }

    public LoadEngine(List<ServerEndpoint> servers, LoadProfile profile, MeterRegistry registry) {
        Objects.requireNonNull(servers, "servers");
        this.profile = Objects.requireNonNull(profile, "profile");
        this.registry = Objects.requireNonNull(registry, "registry");
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("the load engine needs at least one server");
        }
        if (servers.size() > MAX_SERVERS) {
            throw new IllegalArgumentException("the load engine drives at most " + MAX_SERVERS + " servers, got " + servers.size());
        }
        long distinctNames = servers.stream().map(ServerEndpoint::name).distinct().count();
        if (distinctNames != servers.size()) {
            throw new IllegalArgumentException("server names must be unique, got "
                + servers.stream().map(ServerEndpoint::name).toList());
        }
        this.endpoints = List.copyOf(servers);
        this.ring = new KetamaRing(endpoints.stream().map(ServerEndpoint::name).toList());
        this.keyChooser = KeyChooser.of(KeyDistribution.valueOf(profile.keyDistribution().toUpperCase(java.util.Locale.ROOT)), profile.keys());
        this.keyNames = new String[profile.keys()];
        this.keyPoints = new int[profile.keys()];
        for (int i = 0; i < keyNames.length; i++) {
            keyNames[i] = keyName(i);
        }
        this.valueSource = new byte[profile.valueSizeMax()];
        new SplittableRandom(42).nextBytes(valueSource);
        this.ttlSeconds = (int) profile.ttl().toSeconds();
        this.timeoutMillis = Math.max(1, profile.timeout().toMillis());
        this.mix = OperationMix.of(profile.mix());
    }

    /** The memcached key of key index {@code i}: {@code key:<i>}. */
    public static String keyName(int i) {
        return "key:" + i;
    }

    public List<ServerEndpoint> servers() {
        return endpoints;
    }

    public LoadProfile profile() {
        return profile;
    }

    /** Called once a second with the window just ended, on the engine's window thread. */
    public void addWindowListener(Consumer<LoadWindow> listener) {
        windowListeners.add(Objects.requireNonNull(listener));
    }

    /** Called on every breaker state change, on the thread whose call caused it (or resilience4j's timer). */
    public void addBreakerListener(Consumer<BreakerTransition> listener) {
        breakerListeners.add(Objects.requireNonNull(listener));
    }

    /**
     * Connects to every server, pre-fills if the profile says so, and starts the workers. A server
     * that is down does not fail the start: its operations fail and its breaker opens.
     *
     * @throws IOException when a client cannot be created at all
     */
    public synchronized void start() throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException("a load engine starts once; this one is " + state);
        }
        MemcachedNode[] connected = new MemcachedNode[endpoints.size()];
        try {
            for (int i = 0; i < connected.length; i++) {
                connected[i] = MemcachedNode.connect(i, endpoints.get(i), profile);
            }
        } catch (IOException | RuntimeException e) {
            for (MemcachedNode n : connected) {
                if (n != null) {
                    n.close();
                }
            }
            throw e;
        }
        transitionPublishers = Arrays.stream(connected)
            .<Consumer<BreakerTransition>>map(node -> event -> publishTransition(node, event)).toList();
        nodes = connected;
        meters = new EngineMeters(registry, connected);
        state = State.RUNNING;
        if (profile.prefill()) {
            prefill();
        }
        startNanos = System.nanoTime();
        startInstant = Instant.now();
        lastWindowNanos = startNanos;
        lastWindowInstant = startInstant;
        int workerCount = profile.clients();
        runningWorkers.set(workerCount);
        for (int w = 0; w < workerCount; w++) {
            long seed = ThreadLocalRandom.current().nextLong();
            Runnable body = profile.openLoop() ? () -> openLoopWorker(seed) : () -> closedLoopWorker(seed);
            Thread t = Thread.ofPlatform().daemon().name("chaos-load-" + w).unstarted(() -> {
                try {
                    body.run();
                } finally {
                    if (runningWorkers.decrementAndGet() == 0) {
                        finish();
                    }
                }
            });
            workers.add(t);
        }
        windowThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = Thread.ofPlatform().daemon().name("chaos-load-windows").unstarted(r);
            windowThreadRef = t;
            return t;
        });
        windowThread.scheduleAtFixedRate(this::emitWindow, WINDOW_NANOS, WINDOW_NANOS, TimeUnit.NANOSECONDS);
        workers.forEach(Thread::start);
    }

    /**
     * Waits until the run ends by itself (duration or operation count) or is stopped.
     *
     * @return true when it ended within {@code timeout}
     */
    public boolean awaitCompletion(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /**
     * Ends the run: no new operations; those in flight end within the operation timeout. Returns
     * when the workers are done (after at most about the timeout plus a second) and the last
     * window has been delivered.
     */
    public void stop() {
        stopping = true;
        long waitNanos = profile.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        long deadline = System.nanoTime() + waitNanos;
        List<Thread> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(workers);
        }
        for (Thread t : snapshot) {
            if (t == Thread.currentThread()) {
                continue;
            }
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    t.interrupt(); // stuck past the operation timeout: xmemcached's wait is interruptible
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        finish();
    }

    /**
     * Stops the run, disconnects from every server and removes this engine's meters from the
     * registry (so another engine can later register its own on the same registry).
     */
    @Override
    public void close() {
        stop();
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        for (MemcachedNode n : nodes) {
            n.close();
        }
        EngineMeters m = meters;
        if (m != null) {
            m.removeAll();
        }
    }

    /**
     * The run so far, from the start to the last window (at most a second old while running; exact
     * once the run has ended).
     */
    public LoadWindow snapshot() {
        synchronized (windowLock) {
            MemcachedNode[] ns = nodes;
            Instant end = lastWindowInstant == null ? Instant.now() : lastWindowInstant;
            Instant start = startInstant == null ? end : startInstant;
            List<ServerWindow> servers = new ArrayList<>(ns.length);
            long[] totals = new long[Outcome.values().length];
            long failovers = 0;
            Histogram all = new Histogram(3);
            for (MemcachedNode n : ns) {
                servers.add(n.stats.cumulative(n.endpoint.name(), n.state()));
                long[] c = n.stats.drainedOutcomes();
                for (int i = 0; i < c.length; i++) {
                    totals[i] += c[i];
                }
                failovers += n.stats.drainedFailedOver();
                all.add(n.stats.cumulativeHistogram());
            }
            ServerWindow total = ServerStats.window(ServerWindow.ALL_SERVERS, totals, failovers, LatencySummary.of(all), worstState(servers));
            return new LoadWindow(start, end, total, servers);
        }
    }

    /** Up to the last hour of one-second windows, oldest first. */
    public List<LoadWindow> recentWindows() {
        synchronized (windowLock) {
            return List.copyOf(recentWindows);
        }
    }

    /** Every breaker state change so far, in order. */
    public List<BreakerTransition> breakerTransitions() {
        return List.copyOf(transitions);
    }

    /** Current breaker state per server name. */
    public Map<String, BreakerState> breakerStates() {
        return Arrays.stream(nodes).collect(Collectors.toMap(n -> n.endpoint.name(), MemcachedNode::state,
            (a, b) -> a, java.util.LinkedHashMap::new));
    }

    /** Pre-fill writes that failed (0 when every key was written). */
    public long prefillFailures() {
        return prefillFailures;
    }

    public Duration prefillTime() {
        return prefillTime;
    }

    // ---- workers ------------------------------------------------------------------------------

    private void closedLoopWorker(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long deadline = deadlineNanos();
        long max = profile.maxOperations();
        while (!stopping && System.nanoTime() < deadline) {
            if (max > 0 && issued.getAndIncrement() >= max) {
                return;
            }
            long start = System.nanoTime();
            Outcome outcome = runOne(random, start);
            if (outcome == null) {
                return;
            }
            if (outcome == Outcome.BREAKER_OPEN) {
                // Every breaker the key could use is open: failing fast in a tight loop would burn
                // the CPU (and inflate the operation count) without telling anything new.
                LockSupport.parkNanos(OPEN_BREAKER_PAUSE_NANOS);
            }
        }
    }

    private void openLoopWorker(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long deadline = deadlineNanos();
        long max = profile.maxOperations();
        double periodNanos = 1e9 / profile.ratePerSecond();
        while (!stopping) {
            long sequence = issued.getAndIncrement();
            if (max > 0 && sequence >= max) {
                return;
            }
            long intended = startNanos + (long) (sequence * periodNanos);
            if (intended - deadline >= 0) {
                return;
            }
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                if (stopping) {
                    return;
                }
                LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            if (runOne(random, intended) == null) {
                return;
            }
        }
    }

    private long deadlineNanos() {
        Duration d = profile.duration();
        return d == null ? Long.MAX_VALUE : startNanos + d.toNanos();
    }

    /**
     * Issues one operation whose latency counts from {@code startNanos}.
     *
     * @return the outcome, or null when the worker was interrupted and must end
     */
    private Outcome runOne(SplittableRandom random, long startNanos) {
        Operation op = mix.pick(random.nextDouble());
        int keyIndex = keyChooser.next(random);
        String key = keyNames[keyIndex];
        int point = ringPoint(keyIndex);
        MemcachedNode[] ns = nodes;
        int primary = ring.ownerAt(point);
        int chosen = ring.firstUsableFrom(point, i -> permits(ns[i]));
        if (chosen < 0) {
            record(ns[primary], op, Outcome.BREAKER_OPEN, System.nanoTime() - startNanos);
            return Outcome.BREAKER_OPEN;
        }
        if (chosen != primary) {
            ns[primary].stats.recordFailover();
            meters.recordFailover(primary);
        }
        MemcachedNode node = ns[chosen];
        long sent = System.nanoTime();
        Outcome outcome;
        Throwable failure = null;
        try {
            outcome = switch (op) {
                case GET -> node.client.get(key, timeoutMillis) == null ? Outcome.MISS : Outcome.HIT;
                case SET -> node.client.set(key, ttlSeconds, value(random), timeoutMillis) ? Outcome.OK : Outcome.OTHER_ERROR;
                case DELETE -> {
                    node.client.delete(key, timeoutMillis); // false = key absent: still an answer
                    yield Outcome.OK;
                }
            };
        } catch (InterruptedException e) {
            node.breaker.releasePermission();
            Thread.currentThread().interrupt();
            return null;
        } catch (TimeoutException e) {
            outcome = Outcome.TIMEOUT;
            failure = e;
        } catch (MemcachedServerException | MemcachedClientException e) {
            outcome = Outcome.OTHER_ERROR;
            failure = e;
        } catch (Exception e) {
            // MemcachedException itself: no connection, connection closed, client shut down.
            outcome = stopping ? Outcome.OTHER_ERROR : Outcome.CONNECTION;
            failure = e;
        }
        long end = System.nanoTime();
        if (failure == null) {
            node.breaker.onSuccess(end - sent, TimeUnit.NANOSECONDS);
        } else {
            node.breaker.onError(end - sent, TimeUnit.NANOSECONDS, failure);
        }
        lookAtBreaker(node);
        record(node, op, outcome, end - startNanos);
        return outcome;
    }

    /** Key {@code k}'s point on the ring, hashed on its first use only. */
    private int ringPoint(int k) {
        int point = keyPoints[k] - 1;
        if (point < 0) {
            // Two threads may both compute it: the same value, and an int write is atomic.
            point = ring.pointOf(KetamaRing.hash(keyNames[k]));
            keyPoints[k] = point + 1;
        }
        return point;
    }

    private boolean permits(MemcachedNode node) {
        boolean permitted = node.breaker.tryAcquirePermission();
        lookAtBreaker(node); // before the call: a half-open breaker is seen half-open (see BreakerObserver)
        return permitted;
    }

    private void lookAtBreaker(MemcachedNode node) {
        node.breakerObserver.look(transitionPublishers.get(node.index));
    }

    private void record(MemcachedNode node, Operation op, Outcome outcome, long latencyNanos) {
        node.stats.record(op, outcome, latencyNanos);
        meters.record(node.index, op, outcome);
    }

    private byte[] value(SplittableRandom random) {
        int min = profile.valueSizeMin();
        int max = profile.valueSizeMax();
        if (min == max) {
            return valueSource; // read-only: xmemcached copies it into its buffer
        }
        return Arrays.copyOf(valueSource, min + random.nextInt(max - min + 1));
    }

    private void prefill() {
        long begin = System.nanoTime();
        int threads = Math.max(1, Math.min(profile.clients(), 16));
        AtomicInteger nextKey = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        List<Thread> fillers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(t);
            fillers.add(Thread.ofPlatform().daemon().name("chaos-prefill-" + t).start(() -> {
                int k;
                while (!stopping && (k = nextKey.getAndIncrement()) < keyNames.length) {
                    MemcachedNode node = nodes[ring.ownerAt(ringPoint(k))];
                    try {
                        if (!node.client.set(keyNames[k], ttlSeconds, value(random), timeoutMillis)) {
                            failures.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : fillers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
        prefillFailures = failures.get();
        prefillTime = Duration.ofNanos(System.nanoTime() - begin);
    }

    // ---- windows and breaker events -----------------------------------------------------------

    private void emitWindow() {
        LoadWindow window;
        synchronized (windowLock) {
            window = drainWindow();
        }
        for (Consumer<LoadWindow> l : windowListeners) {
            try {
                l.accept(window);
            } catch (RuntimeException e) {
                // A listener's bug must not stop the windows of the others.
                System.err.println("chaos: load window listener failed: " + e);
            }
        }
    }

    /** Called with windowLock held. */
    private LoadWindow drainWindow() {
        long nowNanos = System.nanoTime();
        Instant start = lastWindowInstant;
        Instant end = start.plusNanos(nowNanos - lastWindowNanos);
        lastWindowNanos = nowNanos;
        lastWindowInstant = end;
        MemcachedNode[] ns = nodes;
        List<ServerWindow> servers = new ArrayList<>(ns.length);
        Histogram all = new Histogram(3);
        long failovers = 0;
        long ops = 0;
        long hits = 0;
        long misses = 0;
        long timeouts = 0;
        long connection = 0;
        long breakerOpen = 0;
        long other = 0;
        for (MemcachedNode n : ns) {
            lookAtBreaker(n); // a breaker that gets no calls changes only on resilience4j's timer
            ServerWindow w = n.stats.drain(n.endpoint.name(), n.state(), all,
                (op, latencies) -> meters.recordDurations(n.index, op, latencies));
            servers.add(w);
            ops += w.operations();
            hits += w.hits();
            misses += w.misses();
            timeouts += w.timeouts();
            connection += w.connectionErrors();
            breakerOpen += w.breakerOpen();
            other += w.otherErrors();
            failovers += w.failedOver();
            meters.updateHitRatio(n.index, w.hitRatio());
        }
        ServerWindow total = new ServerWindow(ServerWindow.ALL_SERVERS, ops, hits, misses, timeouts, connection,
            breakerOpen, other, failovers, LatencySummary.of(all), worstState(servers));
        LoadWindow window = new LoadWindow(start, end, total, servers, all);
        recentWindows.addLast(window);
        if (recentWindows.size() > RECENT_WINDOWS_KEPT) {
            recentWindows.removeFirst();
        }
        return window;
    }

    private void finish() {
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.FINISHED;
        }
        stopping = true;
        if (windowThread != null) {
            windowThread.shutdown();
            // A window listener may call stop(): then we are on the window thread and must not wait for it.
            if (Thread.currentThread() != windowThreadRef) {
                try {
                    windowThread.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (startInstant != null) {
            // The last, partial window: its counts must reach the snapshot; listeners see it if it is
            // long enough to mean something.
            boolean worthShowing = System.nanoTime() - lastWindowNanos > TimeUnit.MILLISECONDS.toNanos(100);
            if (worthShowing) {
                emitWindow();
            } else {
                synchronized (windowLock) {
                    drainWindow();
                }
            }
        }
        finished.countDown();
    }

    private void publishTransition(MemcachedNode node, BreakerTransition event) {
        transitions.add(event);
        EngineMeters m = meters;
        if (m != null) {
            m.recordTransition(event);
        }
        if (event.to() == BreakerState.OPEN) {
            node.recycleConnections();
        }
        for (Consumer<BreakerTransition> l : breakerListeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                System.err.println("chaos: breaker listener failed: " + e);
            }
        }
    }

    private static BreakerState worstState(List<ServerWindow> servers) {
        BreakerState worst = BreakerState.CLOSED;
        for (ServerWindow w : servers) {
            if (w.breaker().gaugeValue() > worst.gaugeValue()) {
                worst = w.breaker();
            }
        }
        return worst;
    }
}
