package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.Lsn;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LsnAndByteSizeTest {
    @Test
    void lsnParsesFormatsComparesAndSubtracts() {
        Lsn a = Lsn.parse("0/3000060");
        Lsn b = Lsn.parse("1/0");
        assertThat(a.toString()).isEqualTo("0/3000060");
        assertThat(b.value()).isEqualTo(1L << 32);
        assertThat(a).isLessThan(b);
        assertThat(b.minus(a)).isEqualTo((1L << 32) - 0x3000060L);
        assertThatThrownBy(() -> Lsn.parse("abc")).hasMessageContaining("'abc' is not an LSN");
        assertThatThrownBy(() -> Lsn.parse("0/")).hasMessageContaining("not an LSN");
    }

    @Test
    void sizesInBytesOrWithUnits() {
        assertThat(ByteSize.parse("1048576")).isEqualTo(1048576);
        assertThat(ByteSize.parse("16MB")).isEqualTo(16L << 20);
        assertThat(ByteSize.parse("512kB")).isEqualTo(512L << 10);
        assertThat(ByteSize.parse("1GB")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("1MiB")).isEqualTo(1L << 20);
        assertThatThrownBy(() -> ByteSize.parse("abc")).hasMessageContaining("'abc' is not a size");
        assertThatThrownBy(() -> ByteSize.parse("10XB")).hasMessageContaining("unknown unit 'XB'");
        assertThatThrownBy(() -> ByteSize.parse("-1")).hasMessageContaining("not a size");
    }

    @Test
    void memberStatusJsonUsesSnakeCaseAndToleratesUnknownFields() {
        MemberStatus status = new MemberStatus(
                "postgres://127.0.0.1:5432/postgres",
                "http://127.0.0.1:8008/patroni",
                MemberStatus.Role.REPLICA,
                "running",
                2,
                null,
                io.pgha.events.Lsn.parse("0/3000060"),
                io.pgha.events.Lsn.parse("0/3000000"),
                Map.of("nofailover", false),
                null,
                "0.1.0");
        String json = Json.write(status);
        assertThat(json)
                .contains("\"conn_url\"")
                .contains("\"receive_lsn\":\"0/3000060\"")
                .doesNotContain("xlog");
        MemberStatus back = Json.read(json.replaceFirst("\\{", "{\"future\":1,"), MemberStatus.class, "member");
        assertThat(back).isEqualTo(status);
        assertThat(back.bestLsn()).isEqualTo(Lsn.parse("0/3000060"));
        assertThat(json).contains("\"role\":\"replica\"");
        assertThat(back.isRunningReplica()).isTrue();
        assertThat(back.isStreamingReplica()).isTrue();
        assertThat(back.isRunningPrimary()).isFalse();
    }

    @Test
    void aRoleThisVersionDoesNotKnowReadsAsUnknownAndABadLsnIsRefused() {
        MemberStatus future = Json.read("{\"role\":\"witness\",\"state\":\"running\"}", MemberStatus.class, "m");
        assertThat(future.role()).isEqualTo(MemberStatus.Role.UNKNOWN);
        assertThat(future.isRunningPrimary()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Json.read("{\"role\":\"replica\",\"receive_lsn\":\"x/y\"}", MemberStatus.class, "m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m is not valid JSON for MemberStatus");
    }
}
