package io.pgha.coordinator.decide;

import io.pgha.events.Lsn;
import java.util.Optional;

/** Member snapshots for decision tests: a healthy streaming replica, changed one field at a time. */
final class Snapshots {
    private Snapshots() {}

    static MemberSnapshot healthy(String name, String lsn) {
        return new MemberSnapshot(
                name, true, null, "running", true, Lsn.parse(lsn), Lsn.parse(lsn), false, 1, Optional.of(true), null);
    }

    static MemberSnapshot withPriority(MemberSnapshot m, int priority) {
        return new MemberSnapshot(
                m.name(),
                m.agentAnswered(),
                m.agentError(),
                m.state(),
                m.streaming(),
                m.receiveLsn(),
                m.replayLsn(),
                m.nofailover(),
                priority,
                m.monitorReachable(),
                m.monitorError());
    }

    static MemberSnapshot agentSilent(MemberSnapshot m) {
        return new MemberSnapshot(
                m.name(),
                false,
                "connect timed out after 2 s",
                m.state(),
                m.streaming(),
                m.receiveLsn(),
                m.replayLsn(),
                m.nofailover(),
                m.failoverPriority(),
                m.monitorReachable(),
                m.monitorError());
    }

    static MemberSnapshot nofailover(MemberSnapshot m) {
        return new MemberSnapshot(
                m.name(),
                m.agentAnswered(),
                m.agentError(),
                m.state(),
                m.streaming(),
                m.receiveLsn(),
                m.replayLsn(),
                true,
                m.failoverPriority(),
                m.monitorReachable(),
                m.monitorError());
    }

    static MemberSnapshot state(MemberSnapshot m, String state) {
        return new MemberSnapshot(
                m.name(),
                m.agentAnswered(),
                m.agentError(),
                state,
                m.streaming(),
                m.receiveLsn(),
                m.replayLsn(),
                m.nofailover(),
                m.failoverPriority(),
                m.monitorReachable(),
                m.monitorError());
    }

    static MemberSnapshot notStreaming(MemberSnapshot m) {
        return new MemberSnapshot(
                m.name(),
                m.agentAnswered(),
                m.agentError(),
                m.state(),
                false,
                m.receiveLsn(),
                m.replayLsn(),
                m.nofailover(),
                m.failoverPriority(),
                m.monitorReachable(),
                m.monitorError());
    }

    static MemberSnapshot monitor(MemberSnapshot m, Optional<Boolean> reachable, String error) {
        return new MemberSnapshot(
                m.name(),
                m.agentAnswered(),
                m.agentError(),
                m.state(),
                m.streaming(),
                m.receiveLsn(),
                m.replayLsn(),
                m.nofailover(),
                m.failoverPriority(),
                reachable,
                error);
    }

    static MemberSnapshot lsns(MemberSnapshot m, String receive, String replay) {
        return new MemberSnapshot(
                m.name(),
                m.agentAnswered(),
                m.agentError(),
                m.state(),
                m.streaming(),
                receive == null ? null : Lsn.parse(receive),
                replay == null ? null : Lsn.parse(replay),
                m.nofailover(),
                m.failoverPriority(),
                m.monitorReachable(),
                m.monitorError());
    }
}
