package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.coordinator.decide.TopologyView.Standbys;
import io.pgha.core.MemberStatus;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TopologyViewTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void rolesAreLeaderSyncStandbyAndReplica() {
        TopologyChanged t = view(threeMembers(), Set.of("pg-1"), false, 7);

        assertThat(t.cluster()).isEqualTo("main");
        assertThat(t.leader()).isEqualTo("pg-0");
        assertThat(t.epoch()).isEqualTo(7);
        assertThat(t.syncStandbys()).containsExactly("pg-1");
        assertThat(t.pause()).isFalse();
        assertThat(t.occurredAt()).isEqualTo(NOW);
        assertThat(t.members()).extracting(Member::name).containsExactly("pg-0", "pg-1", "pg-2");
        assertThat(t.members())
                .extracting(Member::role)
                .containsExactly(MemberRole.LEADER, MemberRole.SYNC_STANDBY, MemberRole.REPLICA);
    }

    @Test
    void theVotersOfAQuorumKeyAreQuorumStandbys() {
        TopologyChanged t = TopologyView.of(
                "main",
                snapshot(leader("pg-0"), threeMembers()),
                new Standbys(Set.of("pg-2", "pg-1"), true),
                false,
                true,
                7,
                NOW);

        assertThat(t.members())
                .extracting(Member::role)
                .containsExactly(MemberRole.LEADER, MemberRole.QUORUM_STANDBY, MemberRole.QUORUM_STANDBY);
        assertThat(t.syncStandbys()).as("the voters").containsExactly("pg-1", "pg-2");
        assertThat(TopologyView.fingerprint(t))
                .as("the same members as FIRST standbys are another picture")
                .isNotEqualTo(TopologyView.fingerprint(TopologyView.of(
                        "main",
                        snapshot(leader("pg-0"), threeMembers()),
                        first(Set.of("pg-1", "pg-2")),
                        false,
                        true,
                        7,
                        NOW)));
    }

    @Test
    void theStandbysAreTheKeysMembersQuorumStandbysWhenItIsAQuorumKey() {
        Optional<SyncSet> firstKey = Optional.of(SyncSet.of("pg-0", Set.of("pg-1"), Set.of("pg-1", "pg-2")));
        Optional<SyncSet> quorumKey =
                Optional.of(SyncSet.quorum("pg-0", Set.of("pg-1", "pg-2"), 1, Set.of("pg-1", "pg-2"), 1));

        assertThat(TopologyView.standbys(true, firstKey, "pg-0")).isEqualTo(new Standbys(Set.of("pg-1"), false));
        assertThat(TopologyView.standbys(true, firstKey, "pg-0").role()).isEqualTo(MemberRole.SYNC_STANDBY);
        assertThat(TopologyView.standbys(true, quorumKey, "pg-0"))
                .isEqualTo(new Standbys(Set.of("pg-1", "pg-2"), true));
        assertThat(TopologyView.standbys(true, quorumKey, "pg-0").role()).isEqualTo(MemberRole.QUORUM_STANDBY);
        assertThat(TopologyView.standbys(true, quorumKey, null))
                .as("no leader key: the last key's voters")
                .isEqualTo(new Standbys(Set.of("pg-1", "pg-2"), true));
        assertThat(TopologyView.standbys(true, quorumKey, "pg-1"))
                .as("a key chosen for another leader")
                .isEqualTo(Standbys.NONE);
        assertThat(TopologyView.standbys(false, quorumKey, "pg-0"))
                .as("asynchronous mode")
                .isEqualTo(Standbys.NONE);
        assertThat(TopologyView.standbys(true, Optional.empty(), "pg-0")).isEqualTo(Standbys.NONE);
    }

    @Test
    void theSyncSetIsSorted() {
        assertThat(view(threeMembers(), Set.of("pg-2", "pg-1"), false, 7).syncStandbys())
                .containsExactly("pg-1", "pg-2");
    }

    @Test
    void hostAndPortComeFromTheConnectionUrl() {
        Map<String, MemberEntry> members = threeMembers();
        members.put("pg-3", entry("pg-3", replica("postgres://db3.example:6543/postgres", "0/3000000")));
        members.put("pg-4", entry("pg-4", replica("postgres://10.0.0.14/postgres", "0/3000000")));

        TopologyChanged t = view(members, Set.of(), false, 7);

        assertThat(member(t, "pg-0").host()).isEqualTo("10.0.0.10");
        assertThat(member(t, "pg-0").port()).isEqualTo(5433);
        assertThat(member(t, "pg-0").apiUrl()).isEqualTo("http://10.0.0.10:8008/patroni");
        assertThat(member(t, "pg-3").host()).isEqualTo("db3.example");
        assertThat(member(t, "pg-3").port()).isEqualTo(6543);
        assertThat(member(t, "pg-4").port()).as("no port: PostgreSQL's default").isEqualTo(5432);
    }

    @Test
    void lagIsMeasuredFromTheLeadersPosition() {
        Map<String, MemberEntry> members = threeMembers();
        members.put("pg-3", entry("pg-3", status("postgres://h3:5432/postgres", "replica", "running", null, null)));
        members.put(
                "pg-4", entry("pg-4", status("postgres://h4:5432/postgres", "replica", "running", null, "0/3000000")));
        members.put("pg-5", entry("pg-5", replica("postgres://h5:5432/postgres", "0/3002000")));

        TopologyChanged t = view(members, Set.of(), false, 7);

        assertThat(member(t, "pg-0").lag()).isZero();
        assertThat(member(t, "pg-1").lag()).isEqualTo(0x100);
        assertThat(member(t, "pg-2").lag()).isEqualTo(0x1000);
        assertThat(member(t, "pg-3").lag()).as("no position known").isNull();
        assertThat(member(t, "pg-4").lag()).as("replayed only").isEqualTo(0x1000);
        assertThat(member(t, "pg-5").lag())
                .as("ahead of the leader's last report")
                .isZero();
    }

    @Test
    void withoutALeaderKeyThereIsNoLeaderAndNoLag() {
        ClusterSnapshot snapshot = snapshot(Optional.empty(), threeMembers());

        TopologyChanged t = TopologyView.of("main", snapshot, first(Set.of("pg-1")), false, true, 7, NOW);

        assertThat(t.leader()).isNull();
        assertThat(t.members()).extracting(Member::role).doesNotContain(MemberRole.LEADER);
        assertThat(t.members()).extracting(Member::lag).containsOnlyNulls();
    }

    /** The Javadoc of {@code of}: "the leader only when its member runs as primary". */
    @Test
    void aLeaderKeyWhoseMemberDoesNotRunAsPrimaryIsNoLeaderYet() {
        Map<String, MemberEntry> members = threeMembers();
        // the coordinator wrote the leader key for pg-1; its agent has not promoted it yet
        ClusterSnapshot snapshot = snapshot(Optional.of(new LeaderKey("pg-1", 11, 8)), members);

        TopologyChanged t = TopologyView.of("main", snapshot, first(Set.of()), false, false, 8, NOW);

        assertThat(t.leader()).isNull();
    }

    @Test
    void replicasRunningWithAReceivedPositionAreStreaming() {
        Map<String, MemberEntry> members = threeMembers();
        members.put(
                "pg-3", entry("pg-3", status("postgres://h3:5432/postgres", "replica", "starting", null, "0/3000000")));
        members.put("pg-4", entry("pg-4", status("postgres://h4:5432/postgres", "replica", "running", null, null)));

        TopologyChanged t = view(members, Set.of(), false, 7);

        assertThat(member(t, "pg-0").state()).isEqualTo("running");
        assertThat(member(t, "pg-1").state()).isEqualTo("streaming");
        assertThat(member(t, "pg-3").state()).isEqualTo("starting");
        assertThat(member(t, "pg-4").state()).isEqualTo("running");
        assertThat(member(t, "pg-1").timeline()).isEqualTo(3);
    }

    @Test
    void tagsAreCarriedAndAbsentTagsAreEmpty() {
        Map<String, MemberEntry> members = threeMembers();
        MemberStatus tagged = new MemberStatus(
                "postgres://h3:5432/postgres",
                "http://h3:8008/patroni",
                MemberStatus.Role.REPLICA,
                "running",
                3,
                null,
                io.pgha.events.Lsn.parseNullable("0/3000000"),
                io.pgha.events.Lsn.parseNullable("0/3000000"),
                Map.of("nosync", true),
                null,
                "16.4");
        members.put("pg-3", entry("pg-3", tagged));

        TopologyChanged t = view(members, Set.of(), false, 7);

        assertThat(member(t, "pg-3").tags()).containsEntry("nosync", true);
        assertThat(member(t, "pg-1").tags()).isEmpty();
    }

    @Test
    void membersWithoutAUsableConnectionUrlAreLeftOut() {
        Map<String, MemberEntry> members = threeMembers();
        members.put("no-url", entry("no-url", status(null, "replica", "running", "0/3000000", "0/3000000")));
        members.put("unreadable", new MemberEntry("unreadable", null, 12));
        members.put("bad-url", entry("bad-url", replica("not a url", "0/3000000")));
        members.put("no-host", entry("no-host", replica("postgres:///postgres?host=/run/pg", "0/3000000")));

        TopologyChanged t = view(members, Set.of("no-url"), false, 7);

        assertThat(t.members()).extracting(Member::name).containsExactly("pg-0", "pg-1", "pg-2");
    }

    @Test
    void theFingerprintIgnoresLag() {
        Map<String, MemberEntry> members = threeMembers();
        String before = TopologyView.fingerprint(view(members, Set.of("pg-1"), false, 7));

        members.put("pg-0", entry("pg-0", primary("0/4000000")));
        members.put("pg-2", entry("pg-2", replica("postgres://10.0.0.12:5432/postgres", "0/3F00000")));
        TopologyChanged later = TopologyView.of(
                "main", snapshot(leader("pg-0"), members), first(Set.of("pg-1")), false, true, 7, NOW.plusSeconds(5));

        assertThat(member(later, "pg-2").lag()).isNotEqualTo(0x1000);
        assertThat(TopologyView.fingerprint(later)).isEqualTo(before);
    }

    @Test
    void theFingerprintChangesWithLeaderEpochPauseSynchronousModeAndSyncSet() {
        Map<String, MemberEntry> members = threeMembers();
        String base = TopologyView.fingerprint(view(members, Set.of("pg-1"), false, 7));

        String syncSet = TopologyView.fingerprint(view(members, Set.of("pg-2"), false, 7));
        String noSync = TopologyView.fingerprint(view(members, Set.of(), false, 7));
        String pause = TopologyView.fingerprint(view(members, Set.of("pg-1"), true, 7));
        String epoch = TopologyView.fingerprint(view(members, Set.of("pg-1"), false, 8));
        String mode = TopologyView.fingerprint(TopologyView.of(
                "main", snapshot(leader("pg-0"), members), first(Set.of("pg-1")), false, false, 7, NOW));
        Map<String, MemberEntry> promoted = threeMembers();
        promoted.put("pg-1", entry("pg-1", primaryAt("postgres://10.0.0.11:5432/postgres", "0/4000000")));
        String leader = TopologyView.fingerprint(TopologyView.of(
                "main", snapshot(leader("pg-1"), promoted), first(Set.of("pg-1")), false, true, 7, NOW));
        Map<String, MemberEntry> stopped = threeMembers();
        stopped.put(
                "pg-2",
                entry("pg-2", status("postgres://10.0.0.12:5432/postgres", "replica", "stopped", "0/3000000", null)));
        String state = TopologyView.fingerprint(view(stopped, Set.of("pg-1"), false, 7));

        assertThat(List.of(syncSet, noSync, pause, epoch, mode, leader, state))
                .allSatisfy(f -> assertThat(f).isNotEqualTo(base))
                .doesNotHaveDuplicates();
    }

    /** One member field changed at a time in an otherwise identical picture. */
    @Test
    void theFingerprintChangesWithEachMembersRoleStateAddressTimelineAndTags() {
        TopologyChanged base = view(threeMembers(), Set.of("pg-1"), false, 7);
        String fingerprint = TopologyView.fingerprint(base);

        List<UnaryOperator<Member>> changes = List.of(
                m -> new Member(
                        m.name(),
                        MemberRole.SYNC_STANDBY,
                        m.state(),
                        m.host(),
                        m.port(),
                        m.apiUrl(),
                        m.timeline(),
                        m.lag(),
                        m.tags()),
                m -> new Member(
                        m.name(), m.role(), "stopped", m.host(), m.port(), m.apiUrl(), m.timeline(), m.lag(), m.tags()),
                m -> new Member(
                        m.name(),
                        m.role(),
                        m.state(),
                        "10.9.9.9",
                        m.port(),
                        m.apiUrl(),
                        m.timeline(),
                        m.lag(),
                        m.tags()),
                m -> new Member(
                        m.name(), m.role(), m.state(), m.host(), 5999, m.apiUrl(), m.timeline(), m.lag(), m.tags()),
                m -> new Member(
                        m.name(),
                        m.role(),
                        m.state(),
                        m.host(),
                        m.port(),
                        "http://x:1/patroni",
                        m.timeline(),
                        m.lag(),
                        m.tags()),
                m -> new Member(m.name(), m.role(), m.state(), m.host(), m.port(), m.apiUrl(), 4, m.lag(), m.tags()),
                m -> new Member(
                        m.name(),
                        m.role(),
                        m.state(),
                        m.host(),
                        m.port(),
                        m.apiUrl(),
                        m.timeline(),
                        m.lag(),
                        Map.of("nofailover", true)));
        for (UnaryOperator<Member> change : changes) {
            assertThat(TopologyView.fingerprint(withMember(base, "pg-2", change)))
                    .isNotEqualTo(fingerprint);
        }
        UnaryOperator<Member> lagOnly = m -> new Member(
                m.name(), m.role(), m.state(), m.host(), m.port(), m.apiUrl(), m.timeline(), 123_456L, m.tags());
        assertThat(TopologyView.fingerprint(withMember(base, "pg-2", lagOnly))).isEqualTo(fingerprint);
    }

    // --- helpers ---

    /** pg-0 primary at 0/3001000, pg-1 replica at 0/3000F00, pg-2 replica at 0/3000000. */
    private static Map<String, MemberEntry> threeMembers() {
        Map<String, MemberEntry> members = new LinkedHashMap<>();
        // inserted out of order: the view sorts by name
        members.put("pg-2", entry("pg-2", replica("postgres://10.0.0.12:5432/postgres", "0/3000000")));
        members.put("pg-0", entry("pg-0", primary("0/3001000")));
        members.put("pg-1", entry("pg-1", replica("postgres://10.0.0.11:5432/postgres", "0/3000F00")));
        return members;
    }

    private static TopologyChanged view(
            Map<String, MemberEntry> members, Set<String> promotable, boolean pause, long epoch) {
        return TopologyView.of(
                "main", snapshot(leader("pg-0"), members), first(promotable), pause, !promotable.isEmpty(), epoch, NOW);
    }

    private static Standbys first(Set<String> promotable) {
        return new Standbys(promotable, false);
    }

    private static Optional<LeaderKey> leader(String member) {
        return Optional.of(new LeaderKey(member, 10, 7));
    }

    private static ClusterSnapshot snapshot(Optional<LeaderKey> leader, Map<String, MemberEntry> members) {
        return new ClusterSnapshot(
                42,
                leader,
                Map.copyOf(members),
                Optional.empty(),
                Optional.of("7012345678901234567"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Map.of());
    }

    private static MemberEntry entry(String name, MemberStatus status) {
        return new MemberEntry(name, status, 10);
    }

    private static MemberStatus primary(String xlog) {
        return primaryAt("postgres://10.0.0.10:5433/postgres", xlog);
    }

    private static MemberStatus primaryAt(String connUrl, String xlog) {
        return new MemberStatus(
                connUrl,
                "http://" + host(connUrl) + ":8008/patroni",
                MemberStatus.Role.PRIMARY,
                "running",
                3,
                io.pgha.events.Lsn.parseNullable(xlog),
                null,
                null,
                null,
                null,
                "16.4");
    }

    private static MemberStatus replica(String connUrl, String lsn) {
        return status(connUrl, "replica", "running", lsn, lsn);
    }

    private static MemberStatus status(String connUrl, String role, String state, String receive, String replay) {
        return new MemberStatus(
                connUrl,
                "http://h:8008/patroni",
                MemberStatus.Role.of(role),
                state,
                3,
                null,
                io.pgha.events.Lsn.parseNullable(receive),
                io.pgha.events.Lsn.parseNullable(replay),
                null,
                null,
                "16.4");
    }

    private static String host(String connUrl) {
        return java.net.URI.create(connUrl).getHost();
    }

    private static TopologyChanged withMember(TopologyChanged t, String name, UnaryOperator<Member> change) {
        List<Member> members = t.members().stream()
                .map(m -> m.name().equals(name) ? change.apply(m) : m)
                .toList();
        return new TopologyChanged(
                t.cluster(),
                t.epoch(),
                t.leader(),
                members,
                t.syncStandbys(),
                t.pause(),
                t.occurredAt(),
                t.synchronousMode());
    }

    private static Member member(TopologyChanged t, String name) {
        return t.members().stream()
                .filter(m -> m.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not in " + t.members()));
    }
}
