package io.pgha.repository.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.Lsn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalNameTest {
    @Test
    void parsesEveryKindOfArchivedFile() {
        WalName segment = WalName.parse("0000000200000001000000A3");
        assertThat(segment.kind()).isEqualTo(WalName.Kind.SEGMENT);
        assertThat(segment.timeline()).isEqualTo(2);
        assertThat(segment.segmentNumber()).isEqualTo(0x100 + 0xA3);
        assertThat(segment.timelineHex()).isEqualTo("00000002");
        assertThat(segment.startLsn()).isEqualTo(Lsn.parse("1/A3000000"));

        WalName partial = WalName.parse("000000010000000000000003.partial");
        assertThat(partial.kind()).isEqualTo(WalName.Kind.PARTIAL);
        assertThat(partial.segmentNumber()).isEqualTo(3);

        WalName backup = WalName.parse("000000010000000000000003.00000028.backup");
        assertThat(backup.kind()).isEqualTo(WalName.Kind.BACKUP_LABEL);
        assertThat(backup.timeline()).isEqualTo(1);

        WalName history = WalName.parse("0000000A.history");
        assertThat(history.kind()).isEqualTo(WalName.Kind.HISTORY);
        assertThat(history.timeline()).isEqualTo(10);
        assertThat(WalName.historyOf(10)).isEqualTo(history);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "../../etc/passwd",
                "00000001000000000000000/",
                "000000010000000000000003/../x",
                "000000010000000000000003\n",
                "000000010000000000000003 ",
                "00000001000000000000000g",
                "0000000100000000000000031",
                "000000010000000000000100", // segment part beyond 0xFF for 16 MB segments
                "00000002.history.gz",
                "000000010000000000000003.partial.x",
                "000000010000000000000003.0000028.backup",
                "RECOVERYXLOG",
                "archive_status/000000010000000000000003.ready"
            })
    void refusesAnythingElseWithAMessageSayingWhatIsAccepted(String hostile) {
        assertThat(WalName.isValid(hostile)).isFalse();
        assertThatThrownBy(() -> WalName.parse(hostile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a WAL")
                .hasMessageNotContaining("\n");
    }

    @Test
    void refusesNullAndLongNamesWithAShortMessage() {
        assertThatThrownBy(() -> WalName.parse(null)).isInstanceOf(IllegalArgumentException.class);
        String huge = "0".repeat(10_000);
        assertThatThrownBy(() -> WalName.parse(huge))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void aRecordBuiltDirectlyIsCheckedToo() {
        assertThatThrownBy(() -> new WalName("../../x", WalName.Kind.SEGMENT, 1, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WalName("000000010000000000000003", WalName.Kind.SEGMENT, 2, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WalName.ofSegment(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void segmentOfAnLsnAndTheNextSegmentCrossTheXlogIdBoundary() {
        assertThat(WalName.segmentOf(1, Lsn.parse("0/3000060")).name()).isEqualTo("000000010000000000000003");
        assertThat(WalName.segmentOf(1, Lsn.parse("0/2FFFFFF")).name()).isEqualTo("000000010000000000000002");
        assertThat(WalName.segmentOf(3, Lsn.parse("1/0")).name()).isEqualTo("000000030000000100000000");

        WalName last = WalName.parse("0000000100000000000000FF");
        assertThat(last.next().name()).isEqualTo("000000010000000100000000");
        assertThat(last.next().next().name()).isEqualTo("000000010000000100000001");
        assertThat(WalName.segmentOf(1, last.next().startLsn())).isEqualTo(last.next());
        assertThat(WalName.ofSegment(7, last.segmentNumber())).isEqualTo(WalName.parse("0000000700000000000000FF"));
    }

    @Test
    void recoveryOrderIsBySegmentThenTimeline() {
        List<WalName> names = new ArrayList<>(List.of(
                WalName.parse("000000020000000000000004"),
                WalName.parse("000000010000000100000000"),
                WalName.parse("000000010000000000000004"),
                WalName.parse("0000000100000000000000FF"),
                WalName.parse("000000010000000000000003"),
                WalName.parse("000000010000000000000004.partial")));
        names.sort(null);
        assertThat(names)
                .extracting(WalName::name)
                .containsExactly(
                        "000000010000000000000003",
                        "000000010000000000000004",
                        "000000010000000000000004.partial",
                        "000000020000000000000004",
                        "0000000100000000000000FF",
                        "000000010000000100000000");
    }
}
