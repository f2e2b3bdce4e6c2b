package io.pgha.coordinator.decide;

import io.pgha.events.Lsn;
import java.util.Optional;
import java.util.function.Consumer;

/** Member snapshots for decision tests: a healthy streaming replica, changed one field at a time. */
final class Snapshots {
    private Snapshots() {}

    /** The fields of a {@link MemberSnapshot}, to change one and build it again. */
    private static final class Fields {
        String name;
        boolean agentAnswered;
        String agentError;
        String role;
        String state;
        boolean streaming;
        Lsn receiveLsn;
        Lsn replayLsn;
        long timeline;
        boolean nofailover;
        int failoverPriority;
        Optional<Boolean> monitorReachable;
        String monitorError;

        Fields(MemberSnapshot m) {
            name = m.name();
            agentAnswered = m.agentAnswered();
            agentError = m.agentError();
            role = m.role();
            state = m.state();
            streaming = m.streaming();
            receiveLsn = m.receiveLsn();
            replayLsn = m.replayLsn();
            timeline = m.timeline();
            nofailover = m.nofailover();
            failoverPriority = m.failoverPriority();
            monitorReachable = m.monitorReachable();
            monitorError = m.monitorError();
        }

        MemberSnapshot build() {
            return new MemberSnapshot(
                    name,
                    agentAnswered,
                    agentError,
                    role,
                    state,
                    streaming,
                    receiveLsn,
                    replayLsn,
                    timeline,
                    nofailover,
                    failoverPriority,
                    monitorReachable,
                    monitorError);
        }
    }

    static MemberSnapshot healthy(String name, String lsn) {
        return new MemberSnapshot(
                name,
                true,
                null,
                "replica",
                "running",
                true,
                Lsn.parse(lsn),
                Lsn.parse(lsn),
                1,
                false,
                1,
                Optional.of(true),
                null);
    }

    static MemberSnapshot withPriority(MemberSnapshot m, int priority) {
        return edit(m, f -> f.failoverPriority = priority);
    }

    static MemberSnapshot agentSilent(MemberSnapshot m) {
        return edit(m, f -> {
            f.agentAnswered = false;
            f.agentError = "connect timed out after 2 s";
        });
    }

    static MemberSnapshot nofailover(MemberSnapshot m) {
        return edit(m, f -> f.nofailover = true);
    }

    static MemberSnapshot state(MemberSnapshot m, String state) {
        return edit(m, f -> f.state = state);
    }

    static MemberSnapshot notStreaming(MemberSnapshot m) {
        return edit(m, f -> f.streaming = false);
    }

    static MemberSnapshot monitor(MemberSnapshot m, Optional<Boolean> reachable, String error) {
        return edit(m, f -> {
            f.monitorReachable = reachable;
            f.monitorError = error;
        });
    }

    static MemberSnapshot lsns(MemberSnapshot m, String receive, String replay) {
        return edit(m, f -> {
            f.receiveLsn = receive == null ? null : Lsn.parse(receive);
            f.replayLsn = replay == null ? null : Lsn.parse(replay);
        });
    }

    static MemberSnapshot role(MemberSnapshot m, String role) {
        return edit(m, f -> f.role = role);
    }

    static MemberSnapshot timeline(MemberSnapshot m, long timeline) {
        return edit(m, f -> f.timeline = timeline);
    }

    private static MemberSnapshot edit(MemberSnapshot m, Consumer<Fields> change) {
        Fields fields = new Fields(m);
        change.accept(fields);
        return fields.build();
    }
}
