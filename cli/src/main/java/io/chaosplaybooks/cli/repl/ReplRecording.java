package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.runtime.run.LiveSession;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code :save}: the session as a playbook: its servers as declared (addresses, listen, toxiproxy,
 * proxy), its Prometheus, the load settings given (in the playbook or with {@code load { }}) or
 * {@code load none}, and the fault statements recorded, each followed by a wait up to the next one.
 */
final class ReplRecording {
    private ReplRecording() {}

    /** A timed inject is a phase of its own length in a scenario, so the wait after it is shortened by that much. */
    static String savedPlaybook(Playbook pb, LoadProfile load, boolean loadOn, List<LiveSession.Recorded> recorded, Instant now) {
        StringBuilder sb = new StringBuilder();
        sb.append("// Saved by chaos repl at ").append(now).append(": the session's load and fault statements with the waits between them.\n");
        sb.append(ReplStatements.servers(pb, "\n", true)).append('\n');
        if (pb.prometheus() != null) sb.append("prometheus ").append(ReplStatements.literal(pb.prometheus())).append('\n');
        if (!loadOn) sb.append("load none\n");
        else if (!load.given().isEmpty()) sb.append(load.written()).append('\n');
        sb.append("\nscenario \"repl-session\" {\n");
        sb.append("    description \"Recorded in chaos repl\"\n");
        if (recorded.isEmpty()) sb.append("    wait 1.s\n");
        for (int i = 0; i < recorded.size(); i++) {
            LiveSession.Recorded r = recorded.get(i);
            for (String line : r.statement().split("\r?\n")) sb.append("    ").append(line.strip()).append('\n');
            if (i + 1 < recorded.size()) {
                Duration gap = Duration.between(r.at(), recorded.get(i + 1).at());
                if (r.lasts() != null) gap = gap.minus(r.lasts());
                String w = waitLiteral(gap);
                if (w != null) sb.append("    wait ").append(w).append('\n');
            }
        }
        sb.append("}\n");
        return sb.toString();
    }

    /** {@code 12.s}, {@code 1.5.s}; null when under a tenth of a second. */
    static String waitLiteral(Duration d) {
        long tenths = Math.round(d.toMillis() / 100.0);
        if (tenths <= 0) return null;
        return tenths % 10 == 0 ? (tenths / 10) + ".s" : String.format(Locale.ROOT, "%.1f.s", tenths / 10.0);
    }
}
