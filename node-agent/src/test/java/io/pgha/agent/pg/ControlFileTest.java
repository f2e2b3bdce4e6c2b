package io.pgha.agent.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.Lsn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class ControlFileTest {
    /** A control file as PostgreSQL 15 writes it: the fields, the CRC at {@code crcAt}, zeros to 8 KiB. */
    private static byte[] file(int version, int state, long checkpoint, int crcAt) {
        ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.nativeOrder());
        b.putLong(0, 7715177118763849336L);
        b.putInt(8, version);
        b.putInt(12, 202209061);
        b.putInt(16, state);
        b.putLong(24, 1_764_000_000L);
        b.putLong(32, checkpoint);
        for (int i = 40; i < crcAt; i++) {
            b.put(i, (byte) (i * 31)); // the rest of the struct
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, crcAt);
        b.putInt(crcAt, (int) crc.getValue());
        return b.array();
    }

    @Test
    void aShutDownFileGivesItsShutdownCheckpoint() {
        ControlFile read = ControlFile.parse(file(1300, 1, 0x5000028L, 296)).orElseThrow();
        assertThat(read.shutDown()).isTrue();
        assertThat(read.checkpoint()).isEqualTo(Lsn.parse("0/5000028"));
    }

    @Test
    void aRunningPrimaryIsNotShutDown() {
        assertThat(ControlFile.parse(file(1300, 6, 0x5000028L, 296))
                        .orElseThrow()
                        .shutDown())
                .as("DB_IN_PRODUCTION")
                .isFalse();
    }

    @Test
    void theCrcIsFoundWhereverTheBuildPutsIt() {
        assertThat(ControlFile.parse(file(1300, 1, 1L, 40))).isPresent();
        assertThat(ControlFile.parse(file(1300, 1, 1L, 1024))).isPresent();
    }

    @Test
    void aTornReadOrAnotherVersionIsNotTaken() {
        byte[] torn = file(1300, 1, 0x5000028L, 296);
        torn[33] ^= 1; // the checkpoint changed under the read
        assertThat(ControlFile.parse(torn)).isEmpty();
        assertThat(ControlFile.parse(file(1700, 1, 0x5000028L, 296)))
                .as("PostgreSQL 17's layout")
                .isEmpty();
        assertThat(ControlFile.parse(new byte[20])).isEmpty();
        assertThat(ControlFile.parse(new byte[8192]))
                .as("all zeros: no version")
                .isEmpty();
    }
}
