package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DynamicConfigTest {
    @Test
    void defaultsAreValidAndMatchPatroni() {
        DynamicConfig d = DynamicConfig.DEFAULTS;
        assertThat(d.problems()).isEmpty();
        assertThat(d.ttl()).isEqualTo(10);
        assertThat(d.loopWait()).isEqualTo(1);
        assertThat(d.retryTimeout()).isEqualTo(3);
        assertThat(d.primaryStartTimeout()).isEqualTo(10);
        assertThat(d.maximumLagOnFailover()).isEqualTo(1048576);
        assertThat(d.usePgRewind()).isTrue();
        assertThat(d.synchronousMode()).isFalse();
        assertThat(d.synchronousModeStrict()).isFalse();
        assertThat(d.synchronousNodeCount()).isEqualTo(1);
        assertThat(d.pause()).isFalse();
    }

    @Test
    void theShortConstructorLeavesSynchronousModeAndPauseAtTheirDefaults() {
        DynamicConfig d = new DynamicConfig(20, 2, 5, 30, 0, false);
        assertThat(d.synchronousMode()).isFalse();
        assertThat(d.synchronousModeStrict()).isFalse();
        assertThat(d.synchronousNodeCount()).isEqualTo(1);
        assertThat(d.pause()).isFalse();
    }

    @Test
    void synchronousModeAndPauseAreReadWithPatroniNames() {
        DynamicConfig d = DynamicConfig.fromJson(
                "{\"synchronous_mode\":true,\"synchronous_mode_strict\":true,\"synchronous_node_count\":2,"
                        + "\"pause\":true}");
        assertThat(d.synchronousMode()).isTrue();
        assertThat(d.synchronousModeStrict()).isTrue();
        assertThat(d.synchronousNodeCount()).isEqualTo(2);
        assertThat(d.pause()).isTrue();
        assertThat(d.ttl()).isEqualTo(10);
        assertThat(d.problems()).isEmpty();

        String json = d.toJson();
        assertThat(json)
                .contains("\"synchronous_mode\":true")
                .contains("\"synchronous_mode_strict\":true")
                .contains("\"synchronous_node_count\":2")
                .contains("\"pause\":true");
        assertThat(DynamicConfig.fromJson(json)).isEqualTo(d);
    }

    @Test
    void nullSynchronousFieldsTakeTheirDefaults() {
        DynamicConfig d =
                DynamicConfig.fromJson("{\"synchronous_mode\":null,\"synchronous_node_count\":null,\"pause\":null}");
        assertThat(d).isEqualTo(DynamicConfig.DEFAULTS);
    }

    @Test
    void aSynchronousNodeCountBelowOneNamesTheProperty() {
        DynamicConfig zero = DynamicConfig.fromJson("{\"synchronous_mode\":true,\"synchronous_node_count\":0}");
        assertThat(zero.problems()).singleElement().asString().contains("synchronous_node_count");
        assertThatThrownBy(zero::validated)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("synchronous_node_count");
        assertThat(DynamicConfig.fromJson("{\"synchronous_mode\":true,\"synchronous_node_count\":-1}")
                        .problems())
                .singleElement()
                .asString()
                .contains("synchronous_node_count");
    }

    @Test
    void aStringWhereABooleanBelongsNamesTheField() {
        for (String field : new String[] {"synchronous_mode", "synchronous_mode_strict", "pause", "use_pg_rewind"}) {
            assertThatThrownBy(() -> DynamicConfig.fromJson("{\"" + field + "\":\"true\"}"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(field);
        }
        assertThatThrownBy(() -> DynamicConfig.fromJson("{\"synchronous_node_count\":\"2\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("synchronous_node_count");
    }

    @Test
    void loopWaitPlusTwiceRetryTimeoutMayEqualTtlAsInPatroni() {
        DynamicConfig tooShort = new DynamicConfig(6, 1, 3, 10, 0, true);
        assertThatThrownBy(tooShort::validated)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be at most ttl")
                .hasMessageContaining("loop_wait=1")
                .hasMessageContaining("retry_timeout=3")
                .hasMessageContaining("ttl=6");
        assertThat(new DynamicConfig(7, 1, 3, 10, 0, true).problems()).isEmpty();
        // Patroni's defaults: 10 + 2 x 10 = 30
        assertThat(DynamicConfig.problemsIn("{\"ttl\":30,\"loop_wait\":10,\"retry_timeout\":10}"))
                .isEmpty();
        assertThat(DynamicConfig.problemsIn("{\"ttl\":29,\"loop_wait\":10,\"retry_timeout\":10}"))
                .singleElement()
                .asString()
                .contains("= 30 > ttl=29");
    }

    @Test
    void nonPositiveTimesNameTheProperty() {
        assertThat(new DynamicConfig(10, 0, 3, 10, 0, true).problems())
                .singleElement()
                .asString()
                .contains("loop_wait");
        assertThat(new DynamicConfig(10, 1, 3, -1, 0, true).problems())
                .singleElement()
                .asString()
                .contains("primary_start_timeout");
    }

    @Test
    void jsonRoundTripsWithPatroniNamesAndMissingFieldsTakeDefaults() {
        String json = DynamicConfig.DEFAULTS.toJson();
        assertThat(json).contains("\"loop_wait\":1").contains("\"use_pg_rewind\":true");
        assertThat(DynamicConfig.fromJson(json)).isEqualTo(DynamicConfig.DEFAULTS);
        DynamicConfig partial = DynamicConfig.fromJson("{\"ttl\":20,\"maximum_lag_on_failover\":\"16MB\",\"x\":1}");
        assertThat(partial.ttl()).isEqualTo(20);
        assertThat(partial.maximumLagOnFailover()).isEqualTo(16L << 20);
        assertThat(partial.loopWait()).isEqualTo(1);
    }

    @Test
    void badJsonNamesTheField() {
        assertThatThrownBy(() -> DynamicConfig.fromJson("{\"ttl\":\"soon\"}")).hasMessageContaining("ttl");
        assertThatThrownBy(() -> DynamicConfig.fromJson("[1]")).hasMessageContaining("JSON object");
    }

    @Test
    void everyTimeHasAnUpperBoundNamingThePropertyAndTheBound() {
        assertThat(DynamicConfig.problemsIn("{\"ttl\":3601,\"loop_wait\":1}"))
                .singleElement()
                .asString()
                .contains("ttl")
                .contains("3600");
        assertThat(DynamicConfig.problemsIn("{\"ttl\":3600,\"loop_wait\":301}"))
                .singleElement()
                .asString()
                .contains("loop_wait")
                .contains("300");
        assertThat(DynamicConfig.problemsIn("{\"ttl\":3600,\"retry_timeout\":601}"))
                .singleElement()
                .asString()
                .contains("retry_timeout")
                .contains("600");
        assertThat(DynamicConfig.problemsIn("{\"primary_start_timeout\":3601}"))
                .singleElement()
                .asString()
                .contains("primary_start_timeout");
        assertThat(DynamicConfig.problemsIn("{\"synchronous_node_count\":33}"))
                .singleElement()
                .asString()
                .contains("synchronous_node_count")
                .contains("32");
        assertThat(DynamicConfig.problemsIn("{\"ttl\":3600,\"loop_wait\":300,\"retry_timeout\":600,"
                        + "\"primary_start_timeout\":3600,\"synchronous_node_count\":32,"
                        + "\"maximum_lag_on_failover\":\"1TB\"}"))
                .isEmpty();
    }

    @Test
    void theLagHasAnUpperBoundAndMustBeAWholeNumberOfBytes() {
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_failover\":\"2TB\"}"))
                .singleElement()
                .asString()
                .contains("maximum_lag_on_failover");
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_failover\":1e30}"))
                .singleElement()
                .asString()
                .contains("maximum_lag_on_failover");
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_failover\":1.5}"))
                .singleElement()
                .asString()
                .contains("maximum_lag_on_failover");
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_failover\":{}}"))
                .singleElement()
                .asString()
                .contains("maximum_lag_on_failover");
    }

    @Test
    void unknownKeysAreAProblemNamingThemInFullAndHowToRemoveAStoredOne() {
        assertThat(DynamicConfig.problemsIn("{\"ttl\":20,\"tll\":5,\"postgresql\":{\"foo\":1}}"))
                .singleElement()
                .asString()
                .contains("'postgresql.foo'")
                .contains("'tll'")
                .contains("loop_wait")
                .contains("null");
        assertThat(DynamicConfig.unknownKeys("{\"ttl\":20,\"pause\":true}")).isEmpty();
        assertThat(DynamicConfig.unknownKeys("{\"postgresql\":{\"use_slots\":true,\"bar\":1},\"x\":2}"))
                .containsExactly("postgresql.bar", "x");
    }

    @Test
    void readersIgnoreUnknownKeys() {
        assertThat(DynamicConfig.fromJson("{\"ttl\":20,\"tll\":5}").ttl()).isEqualTo(20);
    }

    @Test
    void patronisNestedShapeIsReadAndWritten() {
        DynamicConfig d = DynamicConfig.fromJson("{\"ttl\":30,\"loop_wait\":10,\"retry_timeout\":10,"
                + "\"postgresql\":{\"use_pg_rewind\":false,\"use_slots\":true,"
                + "\"parameters\":{\"work_mem\":\"16MB\",\"max_connections\":200,\"jit\":false}}}");
        assertThat(d.problems()).isEmpty();
        assertThat(d.usePgRewind()).isFalse();
        assertThat(d.postgresql().useSlots()).isTrue();
        assertThat(d.parameters()).containsEntry("work_mem", "16MB").containsEntry("max_connections", "200");
        assertThat(d.parameters()).containsEntry("jit", "off");
        String json = d.toJson();
        assertThat(json)
                .contains("\"postgresql\":{\"use_pg_rewind\":false,\"use_slots\":true,\"parameters\":{")
                .doesNotContain("\"use_pg_rewind\":false,\"synchronous");
        assertThat(DynamicConfig.fromJson(json)).isEqualTo(d);
        assertThat(DynamicConfig.DEFAULTS.toJson()).doesNotStartWith("{\"use_pg_rewind\"");
    }

    @Test
    void theOldFlatUsePgRewindIsStillReadAndMigrated() {
        assertThat(DynamicConfig.fromJson("{\"use_pg_rewind\":false}").usePgRewind())
                .isFalse();
        assertThat(DynamicConfig.problemsIn("{\"use_pg_rewind\":false}")).isEmpty();
        assertThat(DynamicConfig.migrated(Json.read(
                                "{\"ttl\":20,\"use_pg_rewind\":false}",
                                com.fasterxml.jackson.databind.JsonNode.class,
                                "t"))
                        .toString())
                .isEqualTo("{\"ttl\":20,\"postgresql\":{\"use_pg_rewind\":false}}");
        // the nested value wins over a leftover flat one
        assertThat(DynamicConfig.fromJson("{\"use_pg_rewind\":false,\"postgresql\":{\"use_pg_rewind\":true}}")
                        .usePgRewind())
                .isTrue();
        assertThat(DynamicConfig.migrated(Json.read(
                                "{\"use_pg_rewind\":null,\"postgresql\":{\"use_slots\":true}}",
                                com.fasterxml.jackson.databind.JsonNode.class,
                                "t"))
                        .toString())
                .isEqualTo("{\"postgresql\":{\"use_slots\":true,\"use_pg_rewind\":null}}");
    }

    @Test
    void maximumLagOnSyncnodeIsPatronisBytesWithMinusOneMeaningNever() {
        assertThat(DynamicConfig.DEFAULTS.maximumLagOnSyncnode()).isEqualTo(-1);
        assertThat(DynamicConfig.fromJson("{}").maximumLagOnSyncnode()).isEqualTo(-1);
        assertThat(DynamicConfig.fromJson("{\"maximum_lag_on_syncnode\":\"16MB\"}")
                        .maximumLagOnSyncnode())
                .isEqualTo(16L << 20);
        assertThat(DynamicConfig.fromJson("{\"maximum_lag_on_syncnode\":1000}").maximumLagOnSyncnode())
                .isEqualTo(1000);
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_syncnode\":-1}")).isEmpty();
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_syncnode\":0}")).isEmpty();
        assertThat(DynamicConfig.fromJson("{\"maximum_lag_on_syncnode\":\"-1\"}")
                        .maximumLagOnSyncnode())
                .isEqualTo(-1);
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_syncnode\":-2}"))
                .singleElement()
                .asString()
                .startsWith("maximum_lag_on_syncnode must be -1");
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_syncnode\":\"2TB\"}"))
                .singleElement()
                .asString()
                .contains("maximum_lag_on_syncnode");
        assertThat(DynamicConfig.problemsIn("{\"maximum_lag_on_syncnode\":1.5}"))
                .singleElement()
                .asString()
                .startsWith("maximum_lag_on_syncnode must be a whole number of bytes");
        DynamicConfig set = DynamicConfig.DEFAULTS.withMaximumLagOnSyncnode(1 << 20);
        assertThat(set.patroniShape()).containsEntry("maximum_lag_on_syncnode", 1L << 20);
        assertThat(DynamicConfig.fromJson(set.toJson())).isEqualTo(set);
    }

    @Test
    void patroniSettingsPgHaDoesNotSupportAreRefusedSayingSo() {
        for (String json : new String[] {
            "{\"standby_cluster\":{\"host\":\"x\"}}",
            "{\"max_timelines_history\":0}",
            "{\"postgresql\":{\"recovery_conf\":{}}}"
        }) {
            String key = json.startsWith("{\"postgresql\"")
                    ? "postgresql." + json.substring(16, json.indexOf('"', 16))
                    : json.substring(2, json.indexOf('"', 2));
            assertThat(DynamicConfig.problemsIn(json))
                    .as(json)
                    .singleElement()
                    .asString()
                    .startsWith(key + " is a Patroni setting pgha does not support yet");
        }
        // quorum commit is carried out (failover-coordinator's DESIGN.md, "Quorum commit")
        assertThat(DynamicConfig.problemsIn("{\"synchronous_mode\":\"quorum\"}"))
                .isEmpty();
        assertThat(DynamicConfig.problemsIn("{\"synchronous_mode\":\"first\"}"))
                .singleElement()
                .asString()
                .contains("synchronous_mode must be true, false or \"quorum\", got \"first\"");
        assertThat(DynamicConfig.problemsIn("{\"postgresql\":{\"use_slots\":false}}"))
                .singleElement()
                .asString()
                .startsWith("postgresql.use_slots false is a Patroni setting pgha does not support yet");
        // removing one that is stored is fine, and readers ignore them
        assertThat(DynamicConfig.problemsIn("{\"standby_cluster\":null}")).isEmpty();
        assertThat(DynamicConfig.fromJson("{\"standby_cluster\":{\"host\":\"x\"},\"ttl\":20}")
                        .ttl())
                .isEqualTo(20);
    }

    @Test
    void failsafeModeIsABooleanOffByDefaultAndRoundTrips() {
        assertThat(DynamicConfig.DEFAULTS.failsafeMode()).isFalse();
        assertThat(DynamicConfig.problemsIn("{\"failsafe_mode\":true}")).isEmpty();
        assertThat(DynamicConfig.problemsIn("{\"failsafe_mode\":null}")).isEmpty();
        assertThat(DynamicConfig.problemsIn("{\"failsafe_mode\":\"yes\"}"))
                .singleElement()
                .asString()
                .startsWith("failsafe_mode must be true or false");
        DynamicConfig on = DynamicConfig.fromJson("{\"failsafe_mode\":true}");
        assertThat(on.failsafeMode()).isTrue();
        assertThat(DynamicConfig.fromJson(on.toJson())).isEqualTo(on);
        assertThat(on.patroniShape()).containsEntry("failsafe_mode", true);
        assertThat(on.withFailsafeMode(false)).isEqualTo(DynamicConfig.DEFAULTS);
    }

    @Test
    void primaryStopTimeoutAndCheckTimelineHavePatronisDefaultsAndBounds() {
        DynamicConfig d = DynamicConfig.DEFAULTS;
        assertThat(d.primaryStopTimeout()).isZero();
        assertThat(d.checkTimeline()).isFalse();
        DynamicConfig set = DynamicConfig.fromJson("{\"primary_stop_timeout\":30,\"check_timeline\":true}");
        assertThat(set.primaryStopTimeoutDuration()).hasSeconds(30);
        assertThat(set.checkTimeline()).isTrue();
        assertThat(set.toJson()).contains("\"primary_stop_timeout\":30").contains("\"check_timeline\":true");
        assertThat(DynamicConfig.problemsIn("{\"primary_stop_timeout\":-1}"))
                .singleElement()
                .asString()
                .contains("primary_stop_timeout must be 0 to 3600 seconds");
        assertThat(DynamicConfig.problemsIn("{\"primary_stop_timeout\":3601}")).hasSize(1);
        assertThat(DynamicConfig.problemsIn("{\"check_timeline\":\"yes\"}"))
                .singleElement()
                .asString()
                .contains("check_timeline must be true or false");
    }

    @Test
    void fastFailoverIsOnByDefaultABooleanAndKeptInTheStoredShape() {
        assertThat(DynamicConfig.DEFAULTS.fastFailover()).isTrue();
        assertThat(DynamicConfig.DEFAULTS.toJson()).contains("\"fast_failover\":true");
        assertThat(DynamicConfig.fromJson("{\"fast_failover\":false}").fastFailover())
                .as("a stored false is kept")
                .isFalse();
        DynamicConfig on = DynamicConfig.fromJson("{\"fast_failover\":true,\"synchronous_mode\":true}");
        assertThat(on.fastFailover()).isTrue();
        assertThat(DynamicConfig.fromJson(on.toJson())).isEqualTo(on);
        assertThat(DynamicConfig.problemsIn("{\"fast_failover\":true}")).isEmpty();
        assertThat(DynamicConfig.problemsIn("{\"fast_failover\":\"on\"}"))
                .singleElement()
                .asString()
                .contains("fast_failover must be true or false");
        assertThat(DynamicConfig.problemsIn("{\"fastfailover\":true}"))
                .singleElement()
                .asString()
                .contains("unknown setting(s) 'fastfailover'")
                .contains("fast_failover");
    }

    @Test
    void postgresqlMustBeAnObjectAndItsFlagsBooleans() {
        assertThat(DynamicConfig.problemsIn("{\"postgresql\":\"x\"}"))
                .singleElement()
                .asString()
                .contains("postgresql must be an object");
        assertThat(DynamicConfig.problemsIn("{\"postgresql\":{\"use_pg_rewind\":1}}"))
                .singleElement()
                .asString()
                .contains("postgresql.use_pg_rewind must be true or false");
    }

    @Test
    void primaryStopTimeoutShortensAPrimarysStopOnlyInSynchronousMode() {
        java.time.Duration configured = java.time.Duration.ofSeconds(20);
        DynamicConfig async = DynamicConfig.fromJson("{\"primary_stop_timeout\":5}");
        assertThat(async.primaryStopTimeout(configured)).isEqualTo(configured);
        DynamicConfig sync = DynamicConfig.fromJson("{\"primary_stop_timeout\":5,\"synchronous_mode\":true}");
        assertThat(sync.primaryStopTimeout(configured)).hasSeconds(5);
        assertThat(sync.primaryStopTimeout(java.time.Duration.ofSeconds(3))).hasSeconds(3);
        DynamicConfig off = DynamicConfig.fromJson("{\"primary_stop_timeout\":0,\"synchronous_mode\":true}");
        assertThat(off.primaryStopTimeout(configured)).isEqualTo(configured);
    }

    @Test
    void memberSlotsTtlIsPatronisDefaultBoundedAndTakesPatronisUnits() {
        assertThat(DynamicConfig.DEFAULTS.memberSlotsTtl()).isEqualTo(1800);
        assertThat(DynamicConfig.DEFAULTS.toJson()).contains("\"member_slots_ttl\":1800");
        assertThat(DynamicConfig.fromJson("{\"member_slots_ttl\":\"30min\"}").memberSlotsTtlDuration())
                .isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(DynamicConfig.fromJson("{\"member_slots_ttl\":\"1h\"}").memberSlotsTtl())
                .isEqualTo(3600);
        assertThat(DynamicConfig.fromJson("{\"member_slots_ttl\":\"90s\"}").memberSlotsTtl())
                .isEqualTo(90);
        assertThat(DynamicConfig.fromJson("{\"member_slots_ttl\":0}").memberSlotsTtl())
                .isZero();
        assertThat(DynamicConfig.problemsIn("{\"member_slots_ttl\":\"30min\"}")).isEmpty();
        assertThat(DynamicConfig.problemsIn("{\"member_slots_ttl\":\"8d\"}"))
                .singleElement()
                .asString()
                .contains("member_slots_ttl must be 0 to 604800 seconds, got 691200");
        assertThat(DynamicConfig.problemsIn("{\"member_slots_ttl\":-1}"))
                .singleElement()
                .asString()
                .contains("member_slots_ttl must be 0 to 604800 seconds");
        assertThat(DynamicConfig.problemsIn("{\"member_slots_ttl\":\"soon\"}"))
                .singleElement()
                .asString()
                .contains("member_slots_ttl must be whole seconds or a duration like 30min");
        DynamicConfig read = DynamicConfig.fromJson(
                DynamicConfig.fromJson("{\"member_slots_ttl\":5}").toJson());
        assertThat(read.memberSlotsTtl()).isEqualTo(5);
    }

    @Test
    void permanentSlotsAndIgnoreSlotsInPatronisShape() {
        String json = "{\"slots\":{\"keep_wal\":{\"type\":\"physical\"},\"plain\":{},"
                + "\"cdc\":{\"type\":\"logical\",\"database\":\"app\",\"plugin\":\"pgoutput\"}},"
                + "\"ignore_slots\":[{\"name\":\"by_hand\"},{\"type\":\"logical\",\"plugin\":\"wal2json\"}]}";
        assertThat(DynamicConfig.problemsIn(json)).isEmpty();
        DynamicConfig d = DynamicConfig.fromJson(json);
        assertThat(d.slots())
                .containsEntry("keep_wal", DynamicConfig.Slot.PHYSICAL)
                .containsEntry("plain", DynamicConfig.Slot.PHYSICAL)
                .containsEntry("cdc", new DynamicConfig.Slot("logical", "app", "pgoutput"));
        assertThat(d.slots().get("cdc").logical()).isTrue();
        // Patroni's semantics: every property the matcher gives must match, the others match anything
        assertThat(d.ignored("by_hand", "physical", null, null)).isTrue();
        assertThat(d.ignored("by_hand", "logical", "app", "pgoutput")).isTrue();
        assertThat(d.ignored("other", "logical", "app", "wal2json")).isTrue();
        assertThat(d.ignored("other", "logical", "app", "pgoutput")).isFalse();
        assertThat(d.ignored("other", "physical", null, null)).isFalse();
        // stored and read back unchanged
        assertThat(DynamicConfig.fromJson(d.toJson())).isEqualTo(d);
        // absent: nothing written, nothing ignored
        assertThat(DynamicConfig.DEFAULTS.toJson()).doesNotContain("\"slots\"", "ignore_slots");
        assertThat(DynamicConfig.DEFAULTS.ignored("x", "physical", null, null)).isFalse();
    }

    @Test
    void badSlotsAreRefusedNamingTheKey() {
        assertThat(DynamicConfig.problemsIn("{\"slots\":{\"Bad-Name\":{\"type\":\"physical\"}}}"))
                .singleElement()
                .asString()
                .contains("slots.Bad-Name: a replication slot name is 1-63 of a-z, 0-9 and _");
        assertThat(DynamicConfig.problemsIn("{\"slots\":{\"" + "a".repeat(64) + "\":{}}}"))
                .singleElement()
                .asString()
                .contains("a replication slot name is 1-63");
        assertThat(DynamicConfig.problemsIn("{\"slots\":{\"cdc\":{\"type\":\"logical\",\"plugin\":\"pgoutput\"}}}"))
                .singleElement()
                .asString()
                .contains("slots.cdc.database is required for a logical slot");
        assertThat(DynamicConfig.problemsIn(
                        "{\"slots\":{\"cdc\":{\"type\":\"logical\",\"database\":\"app; drop\",\"plugin\":\"p\"}}}"))
                .singleElement()
                .asString()
                .contains("slots.cdc.database must be a name");
        assertThat(DynamicConfig.problemsIn("{\"slots\":{\"s\":{\"type\":\"magic\"}}}"))
                .singleElement()
                .asString()
                .contains("slots.s.type must be physical or logical");
        assertThat(DynamicConfig.problemsIn("{\"slots\":{\"s\":{\"type\":\"physical\",\"plugin\":\"p\"}}}"))
                .singleElement()
                .asString()
                .contains("slots.s: a physical slot has no database or plugin");
        assertThat(DynamicConfig.problemsIn("{\"slots\":{\"s\":{\"cluster_type\":\"primary\"}}}"))
                .singleElement()
                .asString()
                .contains("slots.s.cluster_type");
        assertThat(DynamicConfig.problemsIn("{\"slots\":{\"s\":0}}"))
                .singleElement()
                .asString()
                .contains("slots.s must be an object");
        assertThat(DynamicConfig.problemsIn("{\"slots\":[\"s\"]}"))
                .singleElement()
                .asString()
                .contains("slots must be an object");
        assertThat(DynamicConfig.problemsIn("{\"ignore_slots\":{\"name\":\"s\"}}"))
                .singleElement()
                .asString()
                .contains("ignore_slots must be a list");
        assertThat(DynamicConfig.problemsIn("{\"ignore_slots\":[{}]}"))
                .singleElement()
                .asString()
                .contains("ignore_slots[0] must be an object with one or more of name, type, database, plugin");
        assertThat(DynamicConfig.problemsIn("{\"ignore_slots\":[{\"name\":\"ok\"},{\"name\":\"NO\"}]}"))
                .singleElement()
                .asString()
                .contains("ignore_slots[1].name: a replication slot name");
        assertThat(DynamicConfig.problemsIn("{\"ignore_slots\":[{\"type\":\"physical\",\"database\":\"d\"}]}"))
                .singleElement()
                .asString()
                .contains("ignore_slots[0]: a physical slot has no database or plugin");
        assertThat(DynamicConfig.problemsIn("{\"ignore_slots\":[{\"slot\":\"x\"}]}"))
                .singleElement()
                .asString()
                .contains("ignore_slots[0].slot");
    }

    @Test
    void patronisPgHbaAndPgIdentAreReadCheckedAndWrittenBack() {
        String json = "{\"postgresql\":{\"pg_hba\":[\"host all bob 10.0.0.0/8 reject\","
                + "\"hostssl all all 0.0.0.0/0 scram-sha-256\"],\"pg_ident\":[\"m alice bob\"]}}";
        assertThat(DynamicConfig.problemsIn(json)).isEmpty();
        DynamicConfig d = DynamicConfig.fromJson(json);
        assertThat(d.postgresql().pgHba())
                .containsExactly("host all bob 10.0.0.0/8 reject", "hostssl all all 0.0.0.0/0 scram-sha-256");
        assertThat(d.postgresql().pgIdent()).containsExactly("m alice bob");
        assertThat(DynamicConfig.fromJson(d.toJson())).isEqualTo(d);
        // absent lists are not written back, and null removes them (a merge patch)
        assertThat(DynamicConfig.DEFAULTS.toJson()).doesNotContain("pg_hba").doesNotContain("pg_ident");
        assertThat(DynamicConfig.problemsIn("{\"postgresql\":{\"pg_hba\":null,\"pg_ident\":null}}"))
                .isEmpty();
    }

    @Test
    void aBadPgHbaLineIsRefusedNamingTheLineAndTheReaderRefusesItToo() {
        String json = "{\"postgresql\":{\"pg_hba\":[\"host all all 10.0.0.0/8 trust\"," + "\"include /etc/passwd\"]}}";
        assertThat(DynamicConfig.problemsIn(json))
                .singleElement()
                .asString()
                .startsWith("postgresql.pg_hba[1] \"include /etc/passwd\": include names a file");
        // an agent reading it from etcd refuses the whole config (validated), keeping what it had
        assertThatThrownBy(() -> DynamicConfig.fromJson(json).validated()).hasMessageContaining("postgresql.pg_hba[1]");
        assertThat(DynamicConfig.problemsIn("{\"postgresql\":{\"pg_ident\":[\"m alice\"]}}"))
                .singleElement()
                .asString()
                .startsWith("postgresql.pg_ident[0] \"m alice\": 2 fields");
        assertThat(DynamicConfig.problemsIn("{\"postgresql\":{\"pg_hba\":\"host all all 0.0.0.0/0 trust\"}}"))
                .singleElement()
                .asString()
                .startsWith("postgresql.pg_hba must be a list of lines");
        assertThat(DynamicConfig.problemsIn("{\"postgresql\":{\"pg_ident\":[1]}}"))
                .singleElement()
                .asString()
                .startsWith("postgresql.pg_ident[0] must be a string");
        assertThatThrownBy(() -> DynamicConfig.fromJson("{\"postgresql\":{\"pg_hba\":{}}}"))
                .hasMessageContaining("postgresql.pg_hba must be a list");
    }

    @Test
    void synchronousModeQuorumIsReadWrittenAndIsASynchronousMode() {
        DynamicConfig quorum = DynamicConfig.fromJson("{\"synchronous_mode\":\"quorum\",\"synchronous_node_count\":2}");
        assertThat(quorum.synchronousQuorum()).isTrue();
        assertThat(quorum.synchronousMode()).isTrue();
        assertThat(quorum.synchronousNodeCount()).isEqualTo(2);
        assertThat(quorum.toJson()).contains("\"synchronous_mode\":\"quorum\"");
        assertThat(DynamicConfig.fromJson(quorum.toJson())).isEqualTo(quorum);
        DynamicConfig first = DynamicConfig.fromJson("{\"synchronous_mode\":true}");
        assertThat(first.synchronousQuorum()).isFalse();
        assertThat(first.toJson()).contains("\"synchronous_mode\":true");
        assertThat(DynamicConfig.DEFAULTS.synchronousQuorum()).isFalse();
        assertThat(DynamicConfig.DEFAULTS.withSynchronousQuorum(true).synchronousMode())
                .isTrue();
        // the settings that come after keep it
        assertThat(quorum.withFailsafeMode(true).synchronousQuorum()).isTrue();
        assertThat(quorum.withMaximumLagOnSyncnode(5).synchronousQuorum()).isTrue();
    }
}
