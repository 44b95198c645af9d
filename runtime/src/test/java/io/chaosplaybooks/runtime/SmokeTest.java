package io.chaosplaybooks.runtime;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
class SmokeTest { @Test void junitRuns() { assertEquals(2, 1 + 1); } }
