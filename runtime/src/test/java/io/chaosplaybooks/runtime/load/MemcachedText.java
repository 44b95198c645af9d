package io.chaosplaybooks.runtime.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Reads a server's {@code stats} over a raw socket: the server's own count of what it received. */
final class MemcachedText {
    private MemcachedText() {}

    static Map<String, Long> stats(ServerEndpoint server) throws IOException {
        try (Socket s = new Socket(server.host(), server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            Map<String, Long> stats = new HashMap<>();
            String line;
            while ((line = in.readLine()) != null && !line.equals("END")) {
                String[] w = line.split(" ");
                if (w.length == 3) {
                    try {
                        stats.put(w[1], Long.parseLong(w[2]));
                    } catch (NumberFormatException ignored) {
                        // version strings and such
                    }
                }
            }
            return stats;
        }
    }
}
