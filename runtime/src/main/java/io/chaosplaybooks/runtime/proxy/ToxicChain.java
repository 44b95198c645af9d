package io.chaosplaybooks.runtime.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The toxics of one direction of one connection, in the order they were added:
 *
 * <pre>
 *   source socket ─► Link reader ─► [stage 1] ─► [stage 2] ─► … ─► Link queue ─► target socket
 *                                      │ toxicity rolled here: an inactive stage passes events on untouched
 * </pre>
 *
 * Each stage pairs a toxic's configuration with this connection's {@link ToxicFlow} and the
 * outcome of its toxicity roll. The roll happens once when the stage starts (connection opened,
 * toxic added) and again when the toxic is updated, as Toxiproxy re-rolls a restarted stub; it is
 * applied here and nowhere else. Used on the connection's loop thread only.
 */
final class ToxicChain {
    private final FlowOutput sink;
    private final List<Stage> stages = new ArrayList<>();

    ToxicChain(FlowOutput sink) {
        this.sink = sink;
    }

    boolean isEmpty() {
        return stages.isEmpty();
    }

    void data(byte[] bytes, long at) {
        if (stages.isEmpty()) {
            sink.data(bytes, at);
        } else {
            stages.get(0).accept(new Chunk(bytes, at));
        }
    }

    void end(EndKind kind, long at) {
        if (stages.isEmpty()) {
            sink.end(kind, at);
        } else {
            stages.get(0).accept(new End(kind, at));
        }
    }

    void add(String name, Toxic toxic, double toxicity, long now) {
        Stage stage = new Stage(name, toxic, toxicity, null);
        stages.add(stage);
        stage.start(now);
    }

    /** Restarts a toxic with new settings: new roll, new flow (which may take over the old flow's state). */
    void replace(String name, Toxic toxic, double toxicity, long now) {
        int i = indexOf(name);
        Stage old = stages.get(i);
        Stage stage = new Stage(name, toxic, toxicity, old.flow);
        stages.set(i, stage);
        stage.start(now);
    }

    void remove(String name, long now) {
        int i = indexOf(name);
        Stage stage = stages.get(i);
        if (stage.active) {
            // Its goodbye (timeout's close) still passes through the toxics after it.
            stage.flow.onRemove(now, stage);
        }
        stages.remove(i);
    }

    /** The earliest armed timer, or {@link Times#NEVER}. */
    long nextTimer() {
        long next = Times.NEVER;
        for (Stage s : stages) {
            next = Math.min(next, s.timerDeadline);
        }
        return next;
    }

    void fireDueTimers(long now) {
        for (Stage s : List.copyOf(stages)) {
            if (s.timerDeadline <= now && stages.contains(s)) {
                EndKind kind = s.timerKind;
                s.timerDeadline = Times.NEVER;
                s.end(kind, now);
            }
        }
    }

    private int indexOf(String name) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name.equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no toxic " + name + " on this connection");
    }

    /** One toxic on this connection; as a {@link FlowOutput} it is where its flow's output goes. */
    private final class Stage implements FlowOutput {
        final String name;
        final boolean active;
        final ToxicFlow flow;
        EndKind timerKind;
        long timerDeadline = Times.NEVER;

        Stage(String name, Toxic toxic, double toxicity, ToxicFlow previousFlow) {
            this.name = name;
            // nextDouble() is in [0, 1): toxicity 1 always applies, 0 never.
            this.active = ThreadLocalRandom.current().nextDouble() < toxicity;
            this.flow = toxic.open(previousFlow);
        }

        void start(long now) {
            if (active) {
                flow.onStart(now, this);
            }
        }

        void accept(Chunk chunk) {
            if (active) {
                flow.onData(chunk, this);
            } else {
                data(chunk.bytes(), chunk.at());
            }
        }

        void accept(End end) {
            if (active) {
                flow.onEnd(end, this);
            } else {
                end(end.kind(), end.at());
            }
        }

        private Stage next() {
            int i = stages.indexOf(this);
            return i >= 0 && i + 1 < stages.size() ? stages.get(i + 1) : null;
        }

        @Override
        public void data(byte[] bytes, long at) {
            Stage next = next();
            if (next == null) {
                sink.data(bytes, at);
            } else {
                next.accept(new Chunk(bytes, at));
            }
        }

        @Override
        public void end(EndKind kind, long at) {
            Stage next = next();
            if (next == null) {
                sink.end(kind, at);
            } else {
                next.accept(new End(kind, at));
            }
        }

        @Override
        public void endAfter(EndKind kind, long deadline) {
            timerKind = kind;
            timerDeadline = deadline;
        }
    }
}
