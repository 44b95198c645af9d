package io.chaosplaybooks.runtime.replay;

/** A journal that cannot be replayed (cut short, of a newer schema, naming servers the targets lack): said before anything is applied. */
public final class ReplayException extends Exception {
    public ReplayException(String message) {
        super(message);
    }
}
