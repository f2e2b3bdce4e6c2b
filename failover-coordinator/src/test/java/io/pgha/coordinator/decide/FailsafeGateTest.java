package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.MemberStatus;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Lsn;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailsafeGateTest {
    private static MemberEntry member(String name, String apiUrl) {
        return new MemberEntry(
                name,
                new MemberStatus(
                        "postgres://127.0.0.1:5432/postgres",
                        apiUrl,
                        MemberStatus.Role.REPLICA,
                        "running",
                        1,
                        null,
                        null,
                        null,
                        Map.of(),
                        null,
                        "0.1.0"),
                7);
    }

    private static final List<MemberEntry> TWO =
            List.of(member("pg-0", "http://127.0.0.1:8008/patroni"), member("pg-1", "http://127.0.0.1:8009/patroni"));
    private static final String TWO_JSON =
            "{\"pg-0\":\"http://127.0.0.1:8008/patroni\",\"pg-1\":\"http://127.0.0.1:8009/patroni\"}";

    @Test
    void theKeyFollowsTheMembersWhileOnAndIsDeletedWhenOff() {
        assertThat(FailsafeGate.keep(true, TWO, Optional.empty(), Optional.empty()))
                .isEqualTo(new FailsafeGate.KeyChange.Put(TWO_JSON));
        assertThat(FailsafeGate.keep(true, TWO, Optional.of(TWO_JSON), Optional.empty()))
                .isEqualTo(new FailsafeGate.KeyChange.None());
        assertThat(FailsafeGate.keep(true, TWO.subList(0, 1), Optional.of(TWO_JSON), Optional.empty()))
                .isEqualTo(new FailsafeGate.KeyChange.Put("{\"pg-0\":\"http://127.0.0.1:8008/patroni\"}"));
        assertThat(FailsafeGate.keep(true, List.of(), Optional.of(TWO_JSON), Optional.empty()))
                .as("no member key at all: the last list stays")
                .isEqualTo(new FailsafeGate.KeyChange.None());
        assertThat(FailsafeGate.keep(true, TWO, Optional.of("not json"), Optional.empty()))
                .isEqualTo(new FailsafeGate.KeyChange.Put(TWO_JSON));
        assertThat(FailsafeGate.keep(false, TWO, Optional.of(TWO_JSON), Optional.empty()))
                .isEqualTo(new FailsafeGate.KeyChange.Delete());
        assertThat(FailsafeGate.keep(false, TWO, Optional.empty(), Optional.empty()))
                .isEqualTo(new FailsafeGate.KeyChange.None());
    }

    @Test
    void theLastTopologyStandsWhileALeaderCutOffFromEtcdMayRunOnFailsafeRounds() {
        Set<String> onlyPg1 = Set.of("pg-1");
        Optional<String> listed = Optional.of(TWO_JSON);

        assertThat(FailsafeGate.keepsRouting(true, Optional.of("pg-0"), onlyPg1, listed, false))
                .as("leader and member key gone, still in /failsafe, no failover found the hold released")
                .isTrue();

        assertThat(FailsafeGate.keepsRouting(false, Optional.of("pg-0"), onlyPg1, listed, false))
                .as("failsafe mode off")
                .isFalse();
        assertThat(FailsafeGate.keepsRouting(true, Optional.empty(), onlyPg1, listed, false))
                .as("a leader key exists")
                .isFalse();
        assertThat(FailsafeGate.keepsRouting(true, Optional.of("pg-0"), Set.of("pg-0", "pg-1"), listed, false))
                .as("its member key is still there (it released the leader key itself)")
                .isFalse();
        assertThat(FailsafeGate.keepsRouting(
                        true,
                        Optional.of("pg-0"),
                        onlyPg1,
                        Optional.of("{\"pg-1\":\"http://127.0.0.1:8009/patroni\"}"),
                        false))
                .as("not in /failsafe")
                .isFalse();
        assertThat(FailsafeGate.keepsRouting(true, Optional.of("pg-0"), onlyPg1, Optional.empty(), false))
                .isFalse();
        assertThat(FailsafeGate.keepsRouting(true, Optional.of("pg-0"), onlyPg1, Optional.of("not json"), false))
                .isFalse();
        assertThat(FailsafeGate.keepsRouting(true, Optional.of("pg-0"), onlyPg1, listed, true))
                .as("a failover attempt found no member confirming it: the failover goes on, so does routing")
                .isFalse();
    }

    @Test
    void aLeaderWhoseKeyIsGoneStaysListedItMayRunOnFailsafeRounds() {
        assertThat(FailsafeGate.keep(true, TWO.subList(1, 2), Optional.of(TWO_JSON), Optional.of("pg-0")))
                .isEqualTo(new FailsafeGate.KeyChange.None());
        assertThat(FailsafeGate.keep(true, TWO.subList(1, 2), Optional.of(TWO_JSON), Optional.empty()))
                .isEqualTo(new FailsafeGate.KeyChange.Put("{\"pg-1\":\"http://127.0.0.1:8009/patroni\"}"));
        assertThat(FailsafeGate.keep(
                        true,
                        TWO.subList(1, 2),
                        Optional.of("{\"pg-1\":\"http://127.0.0.1:8009/patroni\"}"),
                        Optional.of("pg-0")))
                .as("a lost leader that was not listed is not added")
                .isEqualTo(new FailsafeGate.KeyChange.None());
    }

    private static MemberSnapshot active(MemberSnapshot m, boolean answered) {
        return new MemberSnapshot(
                m.name(),
                answered,
                answered ? null : "timeout",
                m.role(),
                m.state(),
                m.streaming(),
                m.receiveLsn(),
                m.replayLsn(),
                m.timeline(),
                m.nofailover(),
                m.failoverPriority(),
                m.monitorReachable(),
                m.monitorError(),
                true);
    }

    @Test
    void noFailoverWhileAMemberThatAnsweredReportsFailsafeActive() {
        MemberSnapshot quiet = Snapshots.healthy("pg-1", "0/5000000");
        MemberSnapshot confirming = active(Snapshots.healthy("pg-2", "0/5000000"), true);
        assertThat(FailsafeGate.hold(true, "pg-0", List.of(quiet, confirming)))
                .hasValue("the primary pg-0 is alive: failsafe (failsafe_mode_is_active on [pg-2])");
        assertThat(FailsafeGate.hold(false, "pg-0", List.of(quiet, confirming))).isEmpty();
        assertThat(FailsafeGate.hold(true, "pg-0", List.of(quiet))).isEmpty();
        assertThat(FailsafeGate.hold(true, "pg-0", List.of(active(quiet, false))))
                .as("what an agent that did not answer once said does not count")
                .isEmpty();
    }

    @Test
    void aCandidateMissingFromFailsafeNeverWins() {
        FailoverPolicy policy = FailoverPolicy.automatic(1 << 20, Lsn.parse("0/5000000"), false, Set.of())
                .onlyFailsafeMembers(Set.of("pg-1"));
        Ranking ranking = CandidateRanking.rank(
                List.of(Snapshots.healthy("pg-1", "0/4F00000"), Snapshots.healthy("pg-2", "0/5000000")), policy);
        assertThat(ranking.eligible()).extracting(MemberSnapshot::name).containsExactly("pg-1");
        assertThat(ranking.excluded()).singleElement().satisfies(e -> {
            assertThat(e.member()).isEqualTo("pg-2");
            assertThat(e.reason()).isEqualTo(ExclusionReason.NOT_IN_FAILSAFE);
            assertThat(e.detail()).isEqualTo("failsafe_mode is on and it is not in /failsafe [pg-1]");
        });
        assertThat(policy.ignoringLag().coldStart(null).checkingTimeline(2).failsafeMembers())
                .containsExactly("pg-1");
    }
}
