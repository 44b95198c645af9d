// For bench/load: the control. The same client library and workload as `chaos load` (xmemcached, one
// connection, 50 requesting threads, 1:10 set:get, 100-byte values, 10,000 keys, 1 s timeout, no
// compression), with nothing else around each operation: no breaker, no key router, no histogram, no
// meters. What `chaos load` keeps of this is the cost of the engine itself.
//
//   java -cp cli/target/chaos.jar bench/RawClient.java HOST:PORT SECONDS
// prints: OPS_PER_SECOND ERRORS OPS_IN_SECOND_1,OPS_IN_SECOND_2,... (whole seconds only)
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.transcoders.SerializingTranscoder;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

public class RawClient {
    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        long seconds = Long.parseLong(args[1]);
        XMemcachedClientBuilder b = new XMemcachedClientBuilder(List.of(new InetSocketAddress(hp[0], Integer.parseInt(hp[1]))));
        b.setConnectionPoolSize(1);
        b.setOpTimeout(1000);
        SerializingTranscoder t = new SerializingTranscoder(2 * 1024 * 1024);
        t.setCompressionThreshold(Integer.MAX_VALUE);
        b.setTranscoder(t);
        MemcachedClient client = b.build();
        byte[] value = new byte[100];
        ThreadLocalRandom.current().nextBytes(value);
        for (int k = 0; k < 10_000; k++) client.set("key:" + k, 0, value); // as chaos load's prefill
        LongAdder ops = new LongAdder(), errors = new LongAdder();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] workers = new Thread[50];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = Thread.ofPlatform().start(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                while (System.nanoTime() < end) {
                    String key = "key:" + r.nextInt(10_000);
                    try {
                        if (r.nextInt(11) == 0) client.set(key, 0, value);
                        else client.get(key);
                        ops.increment();
                    } catch (Exception e) {
                        errors.increment();
                    }
                }
            });
        }
        long start = System.nanoTime();
        // Operations per second, second by second (as chaos load's JSON "perSecond"), so the bench can
        // leave out both tools' warm-up alike.
        StringBuilder perSecond = new StringBuilder();
        long counted = 0;
        for (long tick = start + 1_000_000_000L; tick < end; tick += 1_000_000_000L) {
            java.util.concurrent.locks.LockSupport.parkNanos(tick - System.nanoTime());
            long now = ops.sum();
            perSecond.append(perSecond.isEmpty() ? "" : ",").append(now - counted);
            counted = now;
        }
        for (Thread w : workers) w.join();
        double secs = (System.nanoTime() - start) / 1e9;
        client.shutdown();
        System.out.printf("%.0f %d %s%n", ops.sum() / secs, errors.sum(), perSecond);
    }
}
