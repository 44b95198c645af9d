package io.chaosplaybooks.runtime.journal;

/** A journal that cannot be read or is not a journal; the message is one line, with the line number when there is one. */
public final class JournalException extends Exception {
    public JournalException(String message) {
        super(message);
    }
}
