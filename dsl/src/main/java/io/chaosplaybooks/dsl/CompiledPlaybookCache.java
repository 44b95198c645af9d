package io.chaosplaybooks.dsl;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bytecode of compiled playbooks kept on disk, keyed by the source text and the compiler that
 * compiled it (its classes by content, and Groovy's version): compiling is most of the time {@code chaos validate} takes, and
 * the same files are validated again and again. A cache that cannot be read or written is
 * ignored. Location: {@code $CHAOS_CACHE_DIR}, else {@code $XDG_CACHE_HOME/chaos}, else
 * {@code ~/.cache/chaos}; {@code CHAOS_CACHE_DIR=off} disables it.
 */
final class CompiledPlaybookCache {
    private final Path dir;
    private final String buildStamp;

    private CompiledPlaybookCache(Path dir, String buildStamp) {
        this.dir = dir;
        this.buildStamp = buildStamp;
    }

    static CompiledPlaybookCache fromEnvironment() {
        String explicit = System.getenv("CHAOS_CACHE_DIR");
        if ("off".equals(explicit)) return null;
        Path base;
        if (explicit != null && !explicit.isBlank()) {
            base = Path.of(explicit);
        } else if (System.getenv("XDG_CACHE_HOME") != null) {
            base = Path.of(System.getenv("XDG_CACHE_HOME"), "chaos");
        } else {
            base = Path.of(System.getProperty("user.home"), ".cache", "chaos");
        }
        return new CompiledPlaybookCache(base.resolve("compiled"), buildStamp());
    }

    /**
     * Everything whose change changes the bytecode of a playbook or what it is allowed to do: Groovy's
     * version and the classes that compile and check playbooks, by content. (A jar's size and time would
     * miss a rebuilt class folder, and a cached playbook compiled by an older sandbox must never run.)
     */
    static final List<String> COMPILER_CLASSES = List.of("PlaybookAstCustomizer", "SideEffectGuard", "ValueOperations",
        "CheckedCalls", "PlaybookScript", "ForKeywordRewriter", "PlaybookLoader", "CompiledPlaybookCache");

    private static String buildStamp() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(groovy.lang.GroovySystem.getVersion().getBytes(StandardCharsets.UTF_8));
            for (String name : COMPILER_CLASSES) {
                try (InputStream in = CompiledPlaybookCache.class.getResourceAsStream(name + ".class")) {
                    if (in == null) return "unknown-" + System.nanoTime(); // cannot tell: never share
                    md.update(in.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            return "unknown-" + System.nanoTime();
        }
    }

    /** A stable key and class-name suffix for this source text under this build. */
    String key(String source) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(buildStamp.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Class name to bytecode, in definition order; null when not cached or unreadable. */
    Map<String, byte[]> read(String key) {
        Path f = dir.resolve(key + ".classes");
        if (!Files.isRegularFile(f)) return null;
        try (InputStream in = Files.newInputStream(f); DataInputStream data = new DataInputStream(in)) {
            int n = data.readInt();
            Map<String, byte[]> classes = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = data.readUTF();
                byte[] bytes = new byte[data.readInt()];
                data.readFully(bytes);
                classes.put(name, bytes);
            }
            return classes;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    void write(String key, Map<String, byte[]> classes) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp); DataOutputStream data = new DataOutputStream(out)) {
                data.writeInt(classes.size());
                for (var e : classes.entrySet()) {
                    data.writeUTF(e.getKey());
                    data.writeInt(e.getValue().length);
                    data.write(e.getValue());
                }
            }
            try {
                Files.move(tmp, dir.resolve(key + ".classes"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(key + ".classes"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            // A cache that cannot be written only costs time.
        }
    }

    /** Defines cached classes on demand, so closures' classes resolve against their script's. */
    static final class BytecodeClassLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        BytecodeClassLoader(ClassLoader parent, Map<String, byte[]> classes) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = classes.get(name);
            if (b == null) throw new ClassNotFoundException(name);
            return defineClass(name, b, 0, b.length);
        }
    }
}
