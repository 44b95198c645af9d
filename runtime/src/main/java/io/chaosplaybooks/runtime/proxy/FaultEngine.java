package io.chaosplaybooks.runtime.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The embedded fault engine: Toxiproxy-compatible TCP proxies with toxic chains per direction,
 * usable in-process (the runtime calls this directly) or over HTTP through {@link ToxiproxyHttpApi},
 * which is a thin adapter over these methods.
 *
 * <p>Every method either does all it was asked or nothing, and refuses bad input with a
 * {@link FaultEngineException} whose {@link FaultEngineException#status() status} is the HTTP
 * status Toxiproxy would answer with (400 bad input, 404 unknown, 409 duplicate, 500 port in use).
 * Thread-safe. {@link #close()} stops every proxy and closes every connection.
 */
public final class FaultEngine implements AutoCloseable {
    static final String VERSION = "2.12.0-chaos";
    private static final Set<String> STREAMS = Set.of("upstream", "downstream");

    private final Map<String, Proxy> proxies = new TreeMap<>();
    private final IoLoopGroup loops = new IoLoopGroup();

    /** Creates and (unless {@code enabled} is false) starts a proxy; 409 if the name is taken, 500 if the port is. */
    public synchronized ProxyInfo createProxy(ProxySpec spec) {
        Proxy proxy = newProxy(spec);
        if (proxies.containsKey(proxy.name)) {
            throw FaultEngineException.conflict("proxy " + proxy.name + " already exists");
        }
        if (spec.enabled() == null || spec.enabled()) {
            proxy.enable();
        }
        proxies.put(proxy.name, proxy);
        return proxy.info();
    }

    private Proxy newProxy(ProxySpec spec) {
        if (spec == null || spec.name() == null || spec.name().isBlank()) {
            throw FaultEngineException.badRequest("missing required field: name");
        }
        if (spec.name().contains("/")) {
            throw FaultEngineException.badRequest("proxy name '" + spec.name() + "' must not contain '/'");
        }
        if (spec.upstream() == null || spec.upstream().isBlank()) {
            throw FaultEngineException.badRequest("missing required field: upstream");
        }
        String listen = spec.listen() == null || spec.listen().isBlank() ? "127.0.0.1:0" : spec.listen();
        Addresses.parse(listen, "listen");
        Addresses.parse(spec.upstream(), "upstream");
        return new Proxy(spec.name(), listen, spec.upstream(), loops);
    }

    /**
     * Creates or replaces several proxies at once, as Toxiproxy's /populate: a proxy of the same
     * name is kept as it is if listen and upstream are unchanged, else replaced. All entries are
     * checked before any is applied; if one cannot start, those started by this call are removed
     * again and the error is thrown.
     */
    public synchronized List<ProxyInfo> populate(List<ProxySpec> specs) {
        List<Proxy> fresh = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (ProxySpec spec : specs) {
            Proxy p = newProxy(spec);
            if (!names.add(p.name)) {
                throw FaultEngineException.badRequest("proxy " + p.name + " appears twice in the list");
            }
            fresh.add(p);
        }
        List<ProxyInfo> result = new ArrayList<>();
        Map<String, Proxy> replaced = new LinkedHashMap<>();
        List<Proxy> started = new ArrayList<>();
        try {
            for (int i = 0; i < fresh.size(); i++) {
                Proxy p = fresh.get(i);
                ProxySpec spec = specs.get(i);
                Proxy existing = proxies.get(p.name);
                boolean wantEnabled = spec.enabled() == null || spec.enabled();
                if (existing != null && sameAddresses(existing, p)) {
                    if (wantEnabled) {
                        existing.enable();
                    } else {
                        existing.disable();
                    }
                    result.add(existing.info());
                    continue;
                }
                if (existing != null) {
                    existing.disable();
                    replaced.put(p.name, existing);
                    proxies.remove(p.name);
                }
                if (wantEnabled) {
                    p.enable();
                }
                started.add(p);
                proxies.put(p.name, p);
                result.add(p.info());
            }
        } catch (FaultEngineException e) {
            for (Proxy p : started) {
                p.disable();
                proxies.remove(p.name);
            }
            for (Proxy old : replaced.values()) {
                proxies.put(old.name, old);
                try {
                    old.enable();
                } catch (FaultEngineException ignored) {
                    // Stays disabled; the caller sees the original error.
                }
            }
            throw e;
        }
        return result;
    }

    private static boolean sameAddresses(Proxy existing, Proxy wanted) {
        return existing.upstream().equals(wanted.upstream())
            && (existing.listen().equals(wanted.listen()) || wanted.listen().endsWith(":0"));
    }

    public synchronized Map<String, ProxyInfo> proxies() {
        Map<String, ProxyInfo> all = new LinkedHashMap<>();
        proxies.forEach((name, p) -> all.put(name, p.info()));
        return all;
    }

    public synchronized ProxyInfo proxy(String name) {
        return find(name).info();
    }

    /**
     * Updates a proxy; null fields of {@code changes} stay as they are. Changing listen or upstream
     * restarts it (open connections close); enabled=false closes connections and refuses new ones,
     * keeping the toxics.
     */
    public synchronized ProxyInfo updateProxy(String name, ProxySpec changes) {
        Proxy proxy = find(name);
        if (changes.name() != null && !changes.name().equals(name)) {
            throw FaultEngineException.badRequest("a proxy cannot be renamed (" + name + " → " + changes.name() + ")");
        }
        String listen = changes.listen() == null ? proxy.listen() : changes.listen();
        String upstream = changes.upstream() == null ? proxy.upstream() : changes.upstream();
        Addresses.parse(listen, "listen");
        Addresses.parse(upstream, "upstream");
        if (!listen.equals(proxy.listen()) || !upstream.equals(proxy.upstream())) {
            proxy.reconfigure(listen, upstream);
        }
        if (changes.enabled() != null) {
            if (changes.enabled()) {
                proxy.enable();
            } else {
                proxy.disable();
            }
        }
        return proxy.info();
    }

    /** Stops the proxy: listener closed, connections closed. 404 if unknown. */
    public synchronized void deleteProxy(String name) {
        Proxy proxy = find(name);
        proxy.disable();
        proxies.remove(name);
    }

    public synchronized List<ToxicSpec> toxics(String proxyName) {
        return find(proxyName).toxics();
    }

    public synchronized ToxicSpec toxic(String proxyName, String toxicName) {
        return findToxic(find(proxyName), toxicName).spec();
    }

    /** Adds a toxic to the end of its direction's chain; it acts on open connections at once. */
    public synchronized ToxicSpec addToxic(String proxyName, ToxicSpec spec) {
        Proxy proxy = find(proxyName);
        if (spec == null) {
            throw FaultEngineException.badRequest("missing toxic");
        }
        String stream = spec.stream() == null || spec.stream().isEmpty() ? "downstream" : spec.stream();
        if (!STREAMS.contains(stream)) {
            throw FaultEngineException.badRequest("stream must be 'upstream' or 'downstream', got '" + stream + "'");
        }
        double toxicity = toxicity(spec.toxicity(), 1.0);
        Toxic toxic = ToxicRegistry.create(spec.type(), spec.attributes());
        String name = spec.name() == null || spec.name().isEmpty() ? toxic.type() + "_" + stream : spec.name();
        if (proxy.toxic(name) != null) {
            throw FaultEngineException.conflict("toxic " + name + " already exists on proxy " + proxyName);
        }
        Proxy.InstalledToxic installed = new Proxy.InstalledToxic(name, stream, toxicity, toxic);
        proxy.addToxic(installed);
        return installed.spec();
    }

    /**
     * Changes a toxic's toxicity and/or attributes (merged into the current ones). Live connections
     * restart it: a new toxicity roll, and data it was holding back is passed on at once.
     */
    public synchronized ToxicSpec updateToxic(String proxyName, String toxicName, ToxicSpec changes) {
        Proxy proxy = find(proxyName);
        Proxy.InstalledToxic current = findToxic(proxy, toxicName);
        if (changes.type() != null && !changes.type().isEmpty() && !changes.type().equals(current.toxic().type())) {
            throw FaultEngineException.badRequest("the type of toxic " + toxicName + " is " + current.toxic().type()
                + " and cannot change to " + changes.type() + "; remove it and add a new one");
        }
        if (changes.stream() != null && !changes.stream().isEmpty() && !changes.stream().equals(current.stream())) {
            throw FaultEngineException.badRequest("the stream of toxic " + toxicName + " is " + current.stream()
                + " and cannot change; remove it and add a new one");
        }
        if (changes.name() != null && !changes.name().isEmpty() && !changes.name().equals(toxicName)) {
            throw FaultEngineException.badRequest("a toxic cannot be renamed (" + toxicName + " → " + changes.name() + ")");
        }
        Map<String, Object> attributes = new LinkedHashMap<>(current.toxic().attributes());
        if (changes.attributes() != null) {
            attributes.putAll(changes.attributes());
        }
        Toxic toxic = ToxicRegistry.create(current.toxic().type(), attributes);
        double toxicity = toxicity(changes.toxicity(), current.toxicity());
        Proxy.InstalledToxic updated = new Proxy.InstalledToxic(toxicName, current.stream(), toxicity, toxic);
        proxy.replaceToxic(updated);
        return updated.spec();
    }

    /** Removes a toxic; data it held on open connections is passed on, in order. */
    public synchronized void removeToxic(String proxyName, String toxicName) {
        Proxy proxy = find(proxyName);
        proxy.removeToxic(findToxic(proxy, toxicName));
    }

    /** Enables every proxy and removes every toxic, as Toxiproxy's /reset. */
    public synchronized void reset() {
        for (Proxy p : proxies.values()) {
            p.removeAllToxics();
            try {
                p.enable();
            } catch (FaultEngineException ignored) {
                // Its port was taken meanwhile; the proxy stays disabled and says so in its info.
            }
        }
    }

    public synchronized List<ProxyStats> stats() {
        List<ProxyStats> all = new ArrayList<>();
        proxies.values().forEach(p -> all.add(p.stats()));
        return all;
    }

    /** Deletes every proxy: listeners and connections closed. */
    @Override
    public synchronized void close() {
        for (Proxy p : proxies.values()) {
            p.disable();
        }
        proxies.clear();
        loops.close(); // after the connections' closes were posted: the loops run them before they stop
    }

    public String version() {
        return VERSION;
    }

    private Proxy find(String name) {
        Proxy p = proxies.get(name);
        if (p == null) {
            throw FaultEngineException.notFound("proxy not found: " + name);
        }
        return p;
    }

    private static Proxy.InstalledToxic findToxic(Proxy proxy, String toxicName) {
        Proxy.InstalledToxic t = proxy.toxic(toxicName);
        if (t == null) {
            throw FaultEngineException.notFound("toxic not found: " + toxicName + " on proxy " + proxy.name);
        }
        return t;
    }

    private static double toxicity(Double given, double defaultValue) {
        if (given == null) {
            return defaultValue;
        }
        if (given.isNaN() || given < 0 || given > 1) {
            throw FaultEngineException.badRequest("toxicity must be a number from 0 to 1, got " + given);
        }
        return given;
    }
}
