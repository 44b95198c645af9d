package io.chaosplaybooks.dsl

import groovy.transform.PackageScope

/**
 * The named options of a {@code server} line, each checked as it is read:
 * {@code listen: "0.0.0.0:21211"}, {@code toxiproxy: "http://10.0.0.5:8474"}, {@code proxy: "memcached_a"}.
 */
@PackageScope
final class ServerOptions {
    static final List<String> NAMES = ['listen', 'toxiproxy', 'proxy']
    /** host:port, an IPv6 host in brackets. */
    static final String HOST_PORT = /(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}/
    /** Toxiproxy's API: http(s)://host[:port] and nothing after it but an optional slash. */
    static final String API_URL = /https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?\/?/
    /** A proxy's name goes into the API's paths: kept to what needs no escaping. */
    static final String PROXY_NAME = /[A-Za-z0-9_.-]+/

    String listen
    String toxiproxy
    String proxy

    private ServerOptions() {}

    static ServerOptions read(Map options, String address, Evaluation evaluation) {
        def o = new ServerOptions()
        options.each { k, v ->
            String key = String.valueOf(k)
            if (!(key in NAMES)) {
                evaluation.problem("a server has no option '${key}'" + Words.didYouMean(key, NAMES) + '; its options are listen:, toxiproxy: and proxy:')
                return
            }
            if (!(v instanceof CharSequence)) {
                evaluation.problem("${key}: takes a string, got ${Words.show(v)}")
                return
            }
            String text = v.toString()
            switch (key) {
                case 'listen':
                    if (!(Words.matches(text, HOST_PORT))) {
                        evaluation.problem("listen: is host:port on the proxy's host, such as 0.0.0.0:21211, got \"${text}\"")
                    } else {
                        int port = text.substring(text.lastIndexOf(':') + 1) as int
                        if (port < 1 || port > 65535) evaluation.problem("listen: port must be between 1 and 65535 (a fixed port your application connects to), got ${port}")
                        else o.listen = text
                    }
                    break
                case 'toxiproxy':
                    if (!(Words.matches(text, API_URL))) evaluation.problem("toxiproxy: is the URL of a Toxiproxy API, such as http://10.0.0.5:8474, got \"${text}\"")
                    else o.toxiproxy = text.endsWith('/') ? text.substring(0, text.length() - 1) : text
                    break
                default:
                    if (!(Words.matches(text, PROXY_NAME))) evaluation.problem("proxy: is the name of an existing proxy (letters, digits, '-', '_', '.'), got \"${text}\"")
                    else o.proxy = text
            }
        }
        if (o.proxy != null && address != null) {
            evaluation.problem("server with proxy: \"${o.proxy}\" takes no address: an existing proxy is used with its own upstream")
        }
        if (o.proxy != null && o.listen != null) {
            evaluation.problem("server with proxy: \"${o.proxy}\" takes no listen: an existing proxy is used where it listens")
        }
        if (o.toxiproxy != null && address == null && options.proxy == null) {
            evaluation.problem("a server on toxiproxy: ${o.toxiproxy} needs its address as that Toxiproxy's host reaches it "
                + "(server \"name\", \"host:port\", toxiproxy: ...) or an existing proxy (proxy: \"name\")")
        }
        o
    }
}

/** The value of {@code none} in {@code load none}. */
@PackageScope
enum NoLoad {
    INSTANCE

    String toString() { 'none' }
}
