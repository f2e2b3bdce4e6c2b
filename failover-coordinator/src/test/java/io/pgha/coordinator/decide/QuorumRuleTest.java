package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.coordinator.decide.QuorumRule.Applied;
import io.pgha.coordinator.decide.QuorumRule.Reading;
import io.pgha.coordinator.decide.QuorumRule.Recorded;
import io.pgha.coordinator.decide.QuorumRule.Verdict;
import io.pgha.events.Lsn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The quorum-commit rules, checked exhaustively over small clusters: whoever {@link QuorumRule#winner}
 * picks holds every commit that was on at least k_r voters, and the rule needs no fewer readings.
 */
class QuorumRuleTest {
    private static final List<String> NAMES = List.of("a", "b", "c", "d");

    @Test
    void theWinnerHoldsEveryCommitOnKVotersWhateverReadSetAnswered() {
        int checked = 0;
        for (int n = 1; n <= 4; n++) {
            Set<String> voters = Set.copyOf(NAMES.subList(0, n));
            for (int k = 1; k <= n; k++) {
                Recorded recorded = new Recorded(voters, k);
                // every assignment of positions 1..3 to the voters
                for (int code = 0; code < Math.pow(3, n); code++) {
                    int[] lsn = positions(code, n);
                    for (Set<String> read : subsets(voters)) {
                        Verdict verdict = QuorumRule.winner(recorded, readings(read, lsn), Map.of());
                        if (read.size() < n - k + 1) {
                            assertThat(verdict).isInstanceOf(Verdict.Wait.class);
                            continue;
                        }
                        String winner = ((Verdict.Promote) verdict).name();
                        assertThat(read).contains(winner);
                        // every commit at position x that k voters hold (invariant Q) is on the winner
                        for (int x = 1; x <= 3; x++) {
                            int holders = 0;
                            for (int i = 0; i < n; i++) {
                                holders += lsn[i] >= x ? 1 : 0;
                            }
                            if (holders >= k) {
                                assertThat(lsn[NAMES.indexOf(winner)])
                                        .as("n=%d k=%d read=%s x=%d", n, k, read, x)
                                        .isGreaterThanOrEqualTo(x);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    @Test
    void oneReadingFewerCouldPromoteAMemberWithoutAnAcknowledgedCommit() {
        // ANY 2 of a, b, c: a commit on a and b only; reading just c (n - k = 1 voter) would pick c
        Recorded recorded = new Recorded(Set.of("a", "b", "c"), 2);
        assertThat(recorded.readsNeeded()).isEqualTo(2);
        List<Reading> onlyC = List.of(reading("c", "0/100"));
        assertThat(QuorumRule.winner(recorded, onlyC, Map.of()))
                .isEqualTo(new Verdict.Wait("read 1 of 3 voters, 2 needed (ANY 2)"));
        assertThat(QuorumRule.winner(recorded, List.of(reading("c", "0/100"), reading("b", "0/200")), Map.of()))
                .isInstanceOf(Verdict.Promote.class)
                .extracting(v -> ((Verdict.Promote) v).name())
                .isEqualTo("b");
    }

    @Test
    void nonVotersDifferentTimelinesAndExcludedWinnersAreHandled() {
        Recorded recorded = new Recorded(Set.of("a", "b", "c"), 2);
        assertThat(QuorumRule.winner(recorded, List.of(reading("a", "0/100"), reading("x", "0/900")), Map.of()))
                .isInstanceOf(Verdict.Wait.class);
        assertThat(QuorumRule.winner(
                        recorded, List.of(reading("a", "0/100"), new Reading("b", 3, Lsn.parse("0/100"))), Map.of()))
                .isInstanceOf(Verdict.Wait.class)
                .extracting(v -> ((Verdict.Wait) v).why())
                .asString()
                .contains("different timelines");
        List<Reading> tied = List.of(reading("a", "0/200"), reading("b", "0/200"), reading("c", "0/100"));
        assertThat(QuorumRule.winner(recorded, tied, Map.of("a", "nofailover")))
                .extracting(v -> ((Verdict.Promote) v).name())
                .isEqualTo("b");
        List<Reading> ahead = List.of(reading("a", "0/300"), reading("b", "0/200"));
        assertThat(QuorumRule.winner(recorded, ahead, Map.of("a", "nofailover")))
                .isInstanceOf(Verdict.Wait.class)
                .extracting(v -> ((Verdict.Wait) v).why())
                .asString()
                .contains("a at 0/300 may not be promoted (nofailover)");
    }

    @Test
    void firstNIsTheCaseOfAllVoters() {
        Recorded first2 = new Recorded(Set.of("a", "b"), 2);
        assertThat(first2.readsNeeded()).isEqualTo(1);
        assertThat(QuorumRule.covers(first2, new Applied(Set.of("a", "b"), 2))).isTrue();
        assertThat(QuorumRule.covers(first2, new Applied(Set.of("a", "b", "c"), 2)))
                .isFalse();
        assertThat(QuorumRule.covers(first2, new Applied(Set.of("a", "b", "c"), 3)))
                .isTrue();
    }

    @Test
    void coversIsExactlyEveryAcknowledgementLandingOnKRecordedVoters() {
        Set<String> all = Set.copyOf(NAMES);
        for (Set<String> voters : subsets(all)) {
            for (int kr = 0; kr <= voters.size(); kr++) {
                Recorded recorded = new Recorded(voters, kr);
                for (Set<String> members : subsets(all)) {
                    for (int ka = 0; ka <= members.size(); ka++) {
                        boolean everyAck = true;
                        for (Set<String> ack : subsets(members)) {
                            if (ack.size() == ka && intersection(ack, voters).size() < kr) {
                                everyAck = false;
                            }
                        }
                        assertThat(QuorumRule.covers(recorded, new Applied(members, ka)))
                                .as("V=%s k_r=%d A=%s k_a=%d", voters, kr, members, ka)
                                .isEqualTo(everyAck);
                    }
                }
            }
        }
    }

    @Test
    void aWeakeningKeepsEveryCommitAlreadyOnKVotersCovered() {
        Set<String> all = Set.copyOf(NAMES);
        for (Set<String> v : subsets(all)) {
            for (int k = 0; k <= v.size(); k++) {
                for (Set<String> v2 : subsets(all)) {
                    for (int k2 = 0; k2 <= v2.size(); k2++) {
                        boolean keeps = true;
                        for (Set<String> holders : subsets(all)) {
                            if (intersection(holders, v).size() >= k
                                    && intersection(holders, v2).size() < k2) {
                                keeps = false;
                            }
                        }
                        assertThat(QuorumRule.weakens(new Recorded(v, k), new Recorded(v2, k2)))
                                .as("%s/%d -> %s/%d", v, k, v2, k2)
                                .isEqualTo(keeps);
                    }
                }
            }
        }
    }

    @Test
    void kOutOfBoundsIsRefused() {
        assertThatThrownBy(() -> new Recorded(Set.of("a"), 2)).hasMessageContaining("k must be 0 to 1");
        assertThatThrownBy(() -> new Applied(Set.of(), 1)).hasMessageContaining("k must be 0 to 0");
    }

    private static int[] positions(int code, int n) {
        int[] lsn = new int[n];
        for (int i = 0; i < n; i++) {
            lsn[i] = code % 3 + 1;
            code /= 3;
        }
        return lsn;
    }

    private static List<Reading> readings(Set<String> read, int[] lsn) {
        List<Reading> readings = new ArrayList<>();
        for (String name : read) {
            readings.add(new Reading(name, 1, new Lsn(lsn[NAMES.indexOf(name)])));
        }
        return readings;
    }

    private static Reading reading(String name, String lsn) {
        return new Reading(name, 2, Lsn.parse(lsn));
    }

    private static List<Set<String>> subsets(Set<String> of) {
        List<String> items = of.stream().sorted().toList();
        List<Set<String>> subsets = new ArrayList<>();
        for (int mask = 0; mask < 1 << items.size(); mask++) {
            Set<String> s = new HashSet<>();
            for (int i = 0; i < items.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    s.add(items.get(i));
                }
            }
            subsets.add(s);
        }
        return subsets;
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        return both;
    }

    private static io.pgha.core.MemberStatus replica(String name, long timeline, Long detachedEpoch, String flush) {
        io.pgha.core.MemberStatus s = new io.pgha.core.MemberStatus(
                "postgres://h:1/postgres",
                "http://" + name + "/patroni",
                io.pgha.core.MemberStatus.Role.REPLICA,
                "running",
                timeline,
                null,
                Lsn.parse("0/1000000"),
                null,
                Map.of(),
                null,
                "v");
        return detachedEpoch == null
                ? s
                : s.withDetached(new io.pgha.core.MemberStatus.Detached(detachedEpoch, Lsn.parse(flush)));
    }

    @Test
    void theReadingsAreTheDetachedReportsForTheOrderWrittenAfterIt() {
        io.pgha.core.Detach order = io.pgha.core.Detach.whileLeaderless(42, "l");
        Map<String, FastFailoverGate.Report> members = new java.util.HashMap<>();
        members.put("a", new FastFailoverGate.Report(replica("a", 3, 42L, "0/3000000"), 101));
        members.put("b", new FastFailoverGate.Report(replica("b", 3, 42L, "0/3000100"), 99)); // before the order
        members.put("c", new FastFailoverGate.Report(replica("c", 3, 41L, "0/3000100"), 102)); // another order
        members.put("d", new FastFailoverGate.Report(replica("d", 3, null, null), 103)); // not detached
        members.put("l", new FastFailoverGate.Report(replica("l", 3, 42L, "0/4000000"), 104)); // the lost leader
        members.put("e", new FastFailoverGate.Report(null, 105)); // unreadable
        assertThat(QuorumRule.readings(order, 100, members))
                .containsExactly(new Reading("a", 3, Lsn.parse("0/3000000")));
    }

    @Test
    void aSyncKeyReadsAsARecordForItsLeaderOnly() {
        io.pgha.core.SyncSet quorum =
                io.pgha.core.SyncSet.quorum("l", Set.of("a", "b", "c"), 2, Set.of("a", "b", "c"), 2);
        assertThat(QuorumRule.recorded(java.util.Optional.of(quorum), "l"))
                .isEqualTo(new Recorded(Set.of("a", "b", "c"), 2));
        assertThat(QuorumRule.recorded(java.util.Optional.of(quorum), "x")).isEqualTo(new Recorded(Set.of(), 0));
        assertThat(QuorumRule.recorded(java.util.Optional.empty(), "l")).isEqualTo(new Recorded(Set.of(), 0));
        // FIRST: every member of P holds every commit, so one reading of P suffices
        io.pgha.core.SyncSet first = new io.pgha.core.SyncSet("l", "a,b", "a,b,c");
        Recorded asQuorum = QuorumRule.recorded(java.util.Optional.of(first), "l");
        assertThat(asQuorum).isEqualTo(new Recorded(Set.of("a", "b"), 2));
        assertThat(asQuorum.readsNeeded()).isEqualTo(1);
        // a k_r above the voters (written by hand) is read as the strongest possible, never above it
        io.pgha.core.SyncSet hand = io.pgha.core.SyncSet.fromJson(
                "{\"leader\":\"l\",\"sync_standby\":\"a\",\"quorum_k\":5,\"target_k\":1}");
        assertThat(QuorumRule.recorded(java.util.Optional.of(hand), "l")).isEqualTo(new Recorded(Set.of("a"), 1));
    }
}
