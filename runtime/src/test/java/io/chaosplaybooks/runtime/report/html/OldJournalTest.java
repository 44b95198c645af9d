package io.chaosplaybooks.runtime.report.html;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A journal written by the tool before run events had types and a schema (schema 1: no schema field,
 * a "wall" time on every line, expectation results inside the verdict) still reads, and its report
 * is the one the tool of that time wrote, byte for byte.
 */
class OldJournalTest {
    @Test
    void aSchemaOneJournalRendersAsItDidWhenItWasWritten(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("smoke-schema1.jsonl");
        Files.copy(Path.of(getClass().getResource("/journals/smoke-schema1.jsonl").toURI()), journal);
        Path html = dir.resolve("r.html");
        HtmlReport.write(journal, html);
        String expected = Files.readString(Path.of(getClass().getResource("/journals/smoke-schema1.html").toURI()));
        assertEquals(expected, Files.readString(html));
    }
}
