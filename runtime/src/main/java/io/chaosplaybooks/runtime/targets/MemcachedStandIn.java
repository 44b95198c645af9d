package io.chaosplaybooks.runtime.targets;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process memcached speaking the text protocol, for machines without a memcached binary:
 * get, gets, set, add, replace, append, prepend, cas, delete, incr, decr, touch, flush_all,
 * version, stats, verbosity, quit. Memory is bounded: the least recently used items are evicted
 * when the stored bytes would pass the limit. One platform thread per connection: the engine
 * opens one connection per server, so threads are few, and blocking I/O keeps the parser plain.
 *
 * <p>It is a stand-in for functional runs, not a performance reference: figures measured against
 * it say little about memcached.
 */
public final class MemcachedStandIn implements AutoCloseable {
    /** The version it reports; tests and the console can tell it from a real memcached by the suffix. */
    public static final String VERSION = "1.6.0-chaos-stand-in";
    static final int MAX_KEY_LENGTH = 250;
    static final int MAX_ITEM_SIZE = 1024 * 1024;
    private static final int MAX_LINE = 8192;
    private static final java.util.regex.Pattern WORDS = java.util.regex.Pattern.compile(" +"); // compiled once: split(" +") would compile per command
    private static final long RELATIVE_EXPIRY_LIMIT_SECONDS = 60L * 60 * 24 * 30; // memcached's rule
    private static final int ITEM_OVERHEAD_BYTES = 64;

    private final ServerSocket listener;
    private final long maxBytes;
    private final long startedMillis = System.currentTimeMillis();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    // The store: one lock, access-ordered so the eldest entry is the least recently used.
    private final LinkedHashMap<String, Item> items = new LinkedHashMap<>(1024, 0.75f, true);
    private long storedBytes;
    private long casCounter;

    private final AtomicLong cmdGet = new AtomicLong();
    private final AtomicLong getHits = new AtomicLong();
    private final AtomicLong getMisses = new AtomicLong();
    private final AtomicLong cmdSet = new AtomicLong();
    private final AtomicLong cmdTouch = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong totalItems = new AtomicLong();
    private final AtomicLong totalConnections = new AtomicLong();

    private record Item(byte[] data, int flags, long expiresAtMillis, long cas) {
        boolean expired(long now) {
            return expiresAtMillis != 0 && now >= expiresAtMillis;
        }

        long footprint(String key) {
            return key.length() + data.length + ITEM_OVERHEAD_BYTES;
        }
    }

    private MemcachedStandIn(ServerSocket listener, long maxBytes) {
        this.listener = listener;
        this.maxBytes = maxBytes;
        this.acceptor = Thread.ofPlatform().daemon().name("memcached-stand-in-" + listener.getLocalPort()).unstarted(this::acceptLoop);
    }

    /**
     * Starts a stand-in listening on {@code host:port} ({@code port} 0 picks a free one).
     *
     * @param maxBytes memory for items, like memcached's {@code -m} (which is in megabytes)
     */
    public static MemcachedStandIn start(String host, int port, long maxBytes) throws IOException {
        if (maxBytes < MAX_ITEM_SIZE) {
            throw new IllegalArgumentException("stand-in memory must be at least " + MAX_ITEM_SIZE + " bytes, got " + maxBytes);
        }
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        MemcachedStandIn standIn = new MemcachedStandIn(socket, maxBytes);
        standIn.acceptor.start();
        return standIn;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    /** Items currently stored (expired ones not yet noticed included). */
    public int itemCount() {
        synchronized (items) {
            return items.size();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            connections.add(s);
            totalConnections.incrementAndGet();
            Thread.ofPlatform().daemon().name("memcached-stand-in-conn-" + s.getPort()).start(() -> serve(s));
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            while (!closed) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                if (!handle(line, in, out)) {
                    out.flush();
                    return;
                }
                // Answer pipelined requests in one write, but never hold an answer the client waits for.
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (SocketException | EOFException e) {
            // the client went away, or we are closing
        } catch (IOException e) {
            // nothing to tell: a broken connection ends only itself
        } finally {
            connections.remove(socket);
        }
    }

    /** @return false to close the connection */
    private boolean handle(String line, InputStream in, OutputStream out) throws IOException {
        String[] w = WORDS.split(line.trim());
        if (w.length == 0 || w[0].isEmpty()) {
            write(out, "ERROR");
            return true;
        }
        String command = w[0];
        switch (command) {
            case "get", "gets" -> get(w, command.equals("gets"), out);
            case "set", "add", "replace", "append", "prepend", "cas" -> store(command, w, in, out);
            case "delete" -> delete(w, out);
            case "incr", "decr" -> incrDecr(command.equals("incr"), w, out);
            case "touch" -> touch(w, out);
            case "flush_all" -> flushAll(w, out);
            case "version" -> write(out, "VERSION " + VERSION);
            case "stats" -> stats(w, out);
            case "verbosity" -> reply(out, noreply(w), "OK");
            case "quit" -> {
                return false;
            }
            default -> write(out, "ERROR");
        }
        return true;
    }

    private void get(String[] w, boolean withCas, OutputStream out) throws IOException {
        if (w.length < 2) {
            write(out, "ERROR");
            return;
        }
        long now = System.currentTimeMillis();
        for (int i = 1; i < w.length; i++) {
            String key = w[i];
            if (!validKey(key)) {
                write(out, "CLIENT_ERROR bad command line format");
                return;
            }
            cmdGet.incrementAndGet();
            Item item = lookup(key, now);
            if (item == null) {
                getMisses.incrementAndGet();
                continue;
            }
            getHits.incrementAndGet();
            String header = "VALUE " + key + " " + Integer.toUnsignedString(item.flags) + " " + item.data.length
                + (withCas ? " " + item.cas : "");
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(CRLF);
            out.write(item.data);
            out.write(CRLF);
        }
        write(out, "END");
    }

    private void store(String command, String[] w, InputStream in, OutputStream out) throws IOException {
        boolean isCas = command.equals("cas");
        int expected = isCas ? 6 : 5;
        if (w.length < expected || w.length > expected + 1) {
            write(out, "ERROR");
            return;
        }
        String key = w[1];
        int flags;
        long exptime;
        int bytes;
        long casUnique = 0;
        try {
            long flagsValue = Long.parseLong(w[2]);
            if (flagsValue < 0 || flagsValue > 0xFFFF_FFFFL) {
                throw new NumberFormatException(); // memcached's flags are 32 bits, unsigned
            }
            flags = (int) flagsValue;
            exptime = Long.parseLong(w[3]);
            bytes = Integer.parseInt(w[4]);
            if (isCas) {
                casUnique = Long.parseUnsignedLong(w[5]);
            }
        } catch (NumberFormatException e) {
            write(out, "CLIENT_ERROR bad command line format");
            return;
        }
        boolean noreply = w.length == expected + 1 && w[expected].equals("noreply");
        if (bytes < 0 || !validKey(key)) {
            write(out, "CLIENT_ERROR bad command line format");
            return;
        }
        if (bytes > MAX_ITEM_SIZE) {
            skip(in, bytes + 2L);
            reply(out, noreply, "SERVER_ERROR object too large for cache");
            return;
        }
        byte[] data = in.readNBytes(bytes);
        if (data.length < bytes) {
            throw new EOFException();
        }
        int cr = in.read();
        int lf = in.read();
        if (cr != '\r' || lf != '\n') {
            write(out, "CLIENT_ERROR bad data chunk");
            return;
        }
        cmdSet.incrementAndGet();
        long now = System.currentTimeMillis();
        String result;
        synchronized (items) {
            Item current = lookup(key, now);
            long expires = expiresAt(exptime, now);
            result = switch (command) {
                case "set" -> put(key, data, flags, expires);
                case "add" -> current == null ? put(key, data, flags, expires) : "NOT_STORED";
                case "replace" -> current != null ? put(key, data, flags, expires) : "NOT_STORED";
                case "append" -> current != null ? put(key, concat(current.data, data), current.flags, current.expiresAtMillis) : "NOT_STORED";
                case "prepend" -> current != null ? put(key, concat(data, current.data), current.flags, current.expiresAtMillis) : "NOT_STORED";
                case "cas" -> current == null ? "NOT_FOUND"
                    : current.cas != casUnique ? "EXISTS" : put(key, data, flags, expires);
                default -> throw new IllegalStateException(command);
            };
        }
        reply(out, noreply, result);
    }

    private void delete(String[] w, OutputStream out) throws IOException {
        // "delete <key> [0] [noreply]": old clients send a time of 0, which memcached still accepts.
        if (w.length < 2 || w.length > 4 || !validKey(w[1])) {
            write(out, "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");
            return;
        }
        boolean noreply = noreply(w);
        String result;
        synchronized (items) {
            Item current = lookup(w[1], System.currentTimeMillis());
            if (current == null) {
                result = "NOT_FOUND";
            } else {
                remove(w[1]);
                result = "DELETED";
            }
        }
        reply(out, noreply, result);
    }

    private void incrDecr(boolean incr, String[] w, OutputStream out) throws IOException {
        if (w.length < 3 || w.length > 4 || !validKey(w[1])) {
            write(out, "ERROR");
            return;
        }
        long delta;
        try {
            delta = Long.parseUnsignedLong(w[2]);
        } catch (NumberFormatException e) {
            write(out, "CLIENT_ERROR invalid numeric delta argument");
            return;
        }
        boolean noreply = noreply(w);
        String result;
        synchronized (items) {
            Item current = lookup(w[1], System.currentTimeMillis());
            if (current == null) {
                result = "NOT_FOUND";
            } else {
                long value;
                try {
                    String text = new String(current.data, StandardCharsets.US_ASCII).trim();
                    if (text.isEmpty() || text.length() > 20) {
                        throw new NumberFormatException();
                    }
                    value = Long.parseUnsignedLong(text);
                } catch (NumberFormatException e) {
                    reply(out, noreply, "CLIENT_ERROR cannot increment or decrement non-numeric value");
                    return;
                }
                long next = incr ? value + delta // wraps at 2^64, as memcached does
                    : (Long.compareUnsigned(delta, value) > 0 ? 0 : value - delta);
                result = Long.toUnsignedString(next);
                put(w[1], result.getBytes(StandardCharsets.US_ASCII), current.flags, current.expiresAtMillis);
            }
        }
        reply(out, noreply, result);
    }

    private void touch(String[] w, OutputStream out) throws IOException {
        if (w.length < 3 || w.length > 4 || !validKey(w[1])) {
            write(out, "ERROR");
            return;
        }
        long exptime;
        try {
            exptime = Long.parseLong(w[2]);
        } catch (NumberFormatException e) {
            write(out, "CLIENT_ERROR invalid exptime argument");
            return;
        }
        cmdTouch.incrementAndGet();
        long now = System.currentTimeMillis();
        String result;
        synchronized (items) {
            Item current = lookup(w[1], now);
            if (current == null) {
                result = "NOT_FOUND";
            } else {
                items.put(w[1], new Item(current.data, current.flags, expiresAt(exptime, now), current.cas));
                result = "TOUCHED";
            }
        }
        reply(out, noreply(w), result);
    }

    private void flushAll(String[] w, OutputStream out) throws IOException {
        long delaySeconds = 0;
        if (w.length >= 2 && !w[1].equals("noreply")) {
            try {
                delaySeconds = Long.parseLong(w[1]);
            } catch (NumberFormatException e) {
                write(out, "CLIENT_ERROR bad command line format");
                return;
            }
        }
        long now = System.currentTimeMillis();
        synchronized (items) {
            if (delaySeconds <= 0) {
                items.clear();
                storedBytes = 0;
            } else {
                // Items that exist now are invalid from then on; later writes are not affected.
                long at = now + delaySeconds * 1000;
                for (Map.Entry<String, Item> e : items.entrySet()) {
                    Item it = e.getValue();
                    if (it.expiresAtMillis == 0 || it.expiresAtMillis > at) {
                        e.setValue(new Item(it.data, it.flags, at, it.cas));
                    }
                }
            }
        }
        reply(out, noreply(w), "OK");
    }

    private void stats(String[] w, OutputStream out) throws IOException {
        if (w.length > 1) {
            write(out, "END"); // sub-statistics (slabs, items, ...) have no meaning here
            return;
        }
        long currItems;
        long bytes;
        synchronized (items) {
            currItems = items.size();
            bytes = storedBytes;
        }
        List<String> lines = new ArrayList<>();
        lines.add("STAT pid " + ProcessHandle.current().pid());
        lines.add("STAT uptime " + (System.currentTimeMillis() - startedMillis) / 1000);
        lines.add("STAT time " + System.currentTimeMillis() / 1000);
        lines.add("STAT version " + VERSION);
        lines.add("STAT curr_connections " + connections.size());
        lines.add("STAT total_connections " + totalConnections.get());
        lines.add("STAT cmd_get " + cmdGet.get());
        lines.add("STAT cmd_set " + cmdSet.get());
        lines.add("STAT cmd_touch " + cmdTouch.get());
        lines.add("STAT get_hits " + getHits.get());
        lines.add("STAT get_misses " + getMisses.get());
        lines.add("STAT curr_items " + currItems);
        lines.add("STAT total_items " + totalItems.get());
        lines.add("STAT bytes " + bytes);
        lines.add("STAT limit_maxbytes " + maxBytes);
        lines.add("STAT evictions " + evictions.get());
        for (String l : lines) {
            write(out, l);
        }
        write(out, "END");
    }

    // ---- the store (callers hold the items lock where they combine steps) -------------------------

    private Item lookup(String key, long now) {
        synchronized (items) {
            Item item = items.get(key);
            if (item != null && item.expired(now)) {
                remove(key);
                return null;
            }
            return item;
        }
    }

    private String put(String key, byte[] data, int flags, long expiresAtMillis) {
        synchronized (items) {
            if (expiresAtMillis < 0) {
                remove(key); // a negative exptime stores an item that is already gone
                return "STORED";
            }
            Item fresh = new Item(data, flags, expiresAtMillis, ++casCounter);
            Item old = items.put(key, fresh);
            if (old != null) {
                storedBytes -= old.footprint(key);
            }
            storedBytes += fresh.footprint(key);
            totalItems.incrementAndGet();
            evictUntilWithinLimit(key);
            return "STORED";
        }
    }

    private void evictUntilWithinLimit(String keep) {
        Iterator<Map.Entry<String, Item>> it = items.entrySet().iterator();
        while (storedBytes > maxBytes && it.hasNext()) {
            Map.Entry<String, Item> eldest = it.next();
            if (eldest.getKey().equals(keep)) {
                continue;
            }
            storedBytes -= eldest.getValue().footprint(eldest.getKey());
            it.remove();
            evictions.incrementAndGet();
        }
    }

    private void remove(String key) {
        Item old = items.remove(key);
        if (old != null) {
            storedBytes -= old.footprint(key);
        }
    }

    /** memcached's exptime: 0 never; up to 30 days relative seconds; beyond that a Unix time; negative: expired. */
    private static long expiresAt(long exptime, long now) {
        if (exptime == 0) {
            return 0;
        }
        if (exptime < 0) {
            return -1;
        }
        long at = exptime <= RELATIVE_EXPIRY_LIMIT_SECONDS ? now + exptime * 1000 : exptime * 1000;
        return at <= now ? -1 : at;
    }

    // ---- wire helpers ----------------------------------------------------------------------------

    private static final byte[] CRLF = {'\r', '\n'};

    private static boolean validKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c == 127) {
                return false;
            }
        }
        return true;
    }

    private static boolean noreply(String[] w) {
        return w.length > 1 && w[w.length - 1].equals("noreply");
    }

    private static void reply(OutputStream out, boolean noreply, String line) throws IOException {
        if (!noreply) {
            write(out, line);
        }
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /** A line without its CR LF, or null at end of stream; a line longer than memcached allows ends the connection. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new IOException("request line too long");
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
