package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.DynamicConfig;
import io.pgha.events.Lsn;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PermanentSlotsTest {
    private static final DynamicConfig CONFIG = DynamicConfig.fromJson("{\"slots\":{"
            + "\"keep_wal\":{\"type\":\"physical\"},"
            + "\"node1\":{\"type\":\"physical\"},"
            + "\"cdc\":{\"type\":\"logical\",\"database\":\"app\",\"plugin\":\"test_decoding\"}},"
            + "\"ignore_slots\":[{\"name\":\"by_hand\"},{\"type\":\"logical\",\"plugin\":\"wal2json\"}]}");

    private static PermanentSlots.Seen physical(String name, String lsn) {
        return new PermanentSlots.Seen(name, "physical", null, null, lsn == null ? null : Lsn.parse(lsn), false);
    }

    private static PermanentSlots.Seen logical(String name, String plugin, String lsn) {
        return new PermanentSlots.Seen(name, "logical", "app", plugin, lsn == null ? null : Lsn.parse(lsn), false);
    }

    @Test
    void thePrimaryKeepsThePermanentSlotsButNotOneNamedLikeItself() {
        assertThat(PermanentSlots.physicalOnPrimary(CONFIG, "node0")).containsExactly("keep_wal", "node1");
        // Patroni: a permanent slot named like this member is not created on it
        assertThat(PermanentSlots.physicalOnPrimary(CONFIG, "node1")).containsExactly("keep_wal");
        assertThat(PermanentSlots.logicalToCreate(CONFIG, List.of(physical("keep_wal", "0/1"))))
                .containsOnlyKeys("cdc");
        assertThat(PermanentSlots.logicalToCreate(CONFIG, List.of(logical("cdc", "test_decoding", "0/1"))))
                .isEmpty();
        assertThat(PermanentSlots.logicalToCreate(DynamicConfig.DEFAULTS, List.of()))
                .isEmpty();
    }

    @Test
    void neitherPermanentNorIgnoredSlotsAreEverCountedAsDeparted() {
        List<PermanentSlots.Seen> existing = List.of(
                physical("keep_wal", "0/1"),
                physical("by_hand", "0/1"),
                physical("gone_member", "0/1"),
                logical("cdc", "test_decoding", "0/1"));
        assertThat(PermanentSlots.droppable(CONFIG, existing)).containsExactly("gone_member");
        assertThat(PermanentSlots.droppable(DynamicConfig.DEFAULTS, existing))
                .containsExactly("by_hand", "gone_member", "keep_wal");
        // counted under an older config, then made permanent or ignored: no longer dropped
        assertThat(PermanentSlots.stillDroppable(CONFIG, Set.of("keep_wal", "by_hand", "gone_member")))
                .containsExactly("gone_member");
        // and the departed-slot count itself keeps them out
        DepartedSlots departed = DepartedSlots.NONE.seen(PermanentSlots.droppable(CONFIG, existing), Set.of(), 0);
        assertThat(departed.expired(java.time.Duration.ZERO, 1)).containsExactly("gone_member");
    }

    @Test
    void aReplicaCreatesPhysicalSlotsAndCopiesLogicalOnesOnlyOnceThePrimaryHasThem() {
        PermanentSlots.ReplicaPlan nothingYet =
                PermanentSlots.onReplica(CONFIG, "node2", List.of(), List.of(), Lsn.parse("0/500"));
        assertThat(nothingYet.create()).containsExactlyInAnyOrder("keep_wal", "node1");
        assertThat(nothingYet.copy())
                .as("not on the primary yet: nothing to copy")
                .isEmpty();

        PermanentSlots.ReplicaPlan plan = PermanentSlots.onReplica(
                CONFIG,
                "node1",
                List.of(physical("keep_wal", "0/100")),
                List.of(physical("keep_wal", "0/300"), logical("cdc", "test_decoding", "0/200")),
                Lsn.parse("0/500"));
        assertThat(plan.create()).as("not the slot named like this member").isEmpty();
        assertThat(plan.copy()).containsExactly("cdc");
        assertThat(plan.advance()).containsExactly(Map.entry("keep_wal", Lsn.parse("0/300")));
        assertThat(plan.drop()).isEmpty();
    }

    @Test
    void aReplicaAdvancesToThePrimarysPositionButNeverPastItsOwnReplay() {
        List<PermanentSlots.Seen> local =
                List.of(physical("keep_wal", "0/100"), logical("cdc", "test_decoding", "0/100"));
        List<PermanentSlots.Seen> primary =
                List.of(physical("keep_wal", "0/900"), logical("cdc", "test_decoding", "0/400"));
        assertThat(PermanentSlots.onReplica(CONFIG, "node2", local, primary, Lsn.parse("0/500"))
                        .advance())
                .containsOnly(Map.entry("keep_wal", Lsn.parse("0/500")), Map.entry("cdc", Lsn.parse("0/400")));
        assertThat(PermanentSlots.onReplica(CONFIG, "node2", local, primary, null)
                        .advance())
                .as("replay position unknown")
                .isEmpty();
        assertThat(PermanentSlots.onReplica(
                                CONFIG,
                                "node2",
                                List.of(logical("cdc", "test_decoding", "0/400")),
                                List.of(logical("cdc", "test_decoding", "0/400")),
                                Lsn.parse("0/500"))
                        .advance())
                .as("in step already")
                .isEmpty();
        assertThat(PermanentSlots.onReplica(CONFIG, "node2", local, List.of(), Lsn.parse("0/500"))
                        .advance())
                .as("the primary could not be read")
                .isEmpty();
    }

    @Test
    void aReplicaDropsInactiveSlotsThatAreNeitherPermanentNorIgnoredAndRecopiesMismatchedOnes() {
        PermanentSlots.Seen formerMember = physical("node0", "0/1");
        PermanentSlots.Seen inUse = new PermanentSlots.Seen("someone", "physical", null, null, Lsn.parse("0/1"), true);
        PermanentSlots.ReplicaPlan plan = PermanentSlots.onReplica(
                CONFIG,
                "node2",
                List.of(
                        formerMember,
                        inUse,
                        physical("by_hand", "0/1"),
                        logical("other_cdc", "wal2json", "0/1"),
                        logical("cdc", "pgoutput", "0/1")),
                List.of(logical("cdc", "test_decoding", "0/1")),
                Lsn.parse("0/5"));
        assertThat(plan.drop()).containsExactlyInAnyOrder("cdc", "node0");
        assertThat(plan.copy()).as("copied at the next run, once dropped").isEmpty();
        // a permanent slot taken out of the config is dropped on replicas
        assertThat(PermanentSlots.onReplica(
                                DynamicConfig.DEFAULTS,
                                "node2",
                                List.of(physical("keep_wal", "0/1")),
                                List.of(),
                                Lsn.parse("0/5"))
                        .drop())
                .containsExactly("keep_wal");
    }

    @Test
    void aReplicaSynchronisesEverySyncInterval() {
        assertThat(PermanentSlots.syncDue(null, 5)).isTrue();
        assertThat(PermanentSlots.syncDue(0L, PermanentSlots.SYNC_INTERVAL.toNanos() - 1))
                .isFalse();
        assertThat(PermanentSlots.syncDue(0L, PermanentSlots.SYNC_INTERVAL.toNanos()))
                .isTrue();
    }
}
