package io.chaosplaybooks.runtime.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;

/** The run summary as JSON, for machines. */
public final class JsonReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    public static void write(RunSummary run, Path file) throws IOException {
        JSON.writeValue(file.toFile(), run);
    }

    public static String toJson(RunSummary run) throws IOException {
        return JSON.writeValueAsString(run);
    }
}
