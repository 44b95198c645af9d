package io.chaosplaybooks.runtime.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Where the processes of one user register their control addresses: {@code $CHAOS_RUNTIME_DIR}
 * if set, else {@code $XDG_RUNTIME_DIR/chaos}, else {@code ~/.local/state/chaos/run}, else
 * {@code /tmp/chaos-$USER}. The directory is the user's alone (0700): the files in it carry tokens.
 */
final class RuntimeDirectory {
    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private RuntimeDirectory() {}

    static Path locate(Map<String, String> env, String home, String user) {
        String own = env.get("CHAOS_RUNTIME_DIR");
        if (own != null && !own.isBlank()) return Path.of(own);
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg))) return Path.of(xdg, "chaos");
        if (home != null && !home.isBlank() && Files.isDirectory(Path.of(home))) return Path.of(home, ".local", "state", "chaos", "run");
        return Path.of(System.getProperty("java.io.tmpdir"), "chaos-" + (user == null ? "user" : user));
    }

    static Path locate() {
        return locate(System.getenv(), System.getProperty("user.home"), System.getProperty("user.name"));
    }

    /**
     * Creates {@code dir} (0700) if need be; refuses one that is not a directory of this user's (in a shared
     * /tmp, someone else could have made it first) and closes one that others can read.
     */
    static Path ensure(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made meanwhile: checked below
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectories(dir);
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw new IOException(dir + " is not a directory");
        try {
            String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            String me = System.getProperty("user.name");
            if (me != null && !owner.equals(me)) throw new IOException(dir + " belongs to " + owner + ", not to " + me);
            if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(PRIVATE_DIR)) {
                Files.setPosixFilePermissions(dir, PRIVATE_DIR);
            }
        } catch (UnsupportedOperationException notPosix) {
            // no owners or modes to check on this file system
        }
        return dir;
    }
}
