package io.pgha.agent.pg;

import io.pgha.events.Lsn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The two fields of PostgreSQL's {@code global/pg_control} that a planned handover polls every 10 ms
 * (cluster state and latest checkpoint), read from the file instead of forking {@code pg_controldata}
 * (a fork took 40–160 ms on a loaded machine). Only the layout of {@code pg_control_version} 1300
 * (PostgreSQL 13 to 16) is read, on this machine's byte order, and only a file whose CRC-32C checks
 * out (a read racing PostgreSQL's write of the file is not taken); anything else is empty and the
 * caller runs {@code pg_controldata}.
 */
record ControlFile(int state, Lsn checkpoint) {
    /** {@code pg_control_version} of the layout read here. */
    static final int VERSION = 1300;
    /** {@code DBState DB_SHUTDOWNED}: the shutdown checkpoint is written, no WAL can follow it. */
    static final int SHUT_DOWN = 1;

    private static final int VERSION_AT = 8;
    private static final int STATE_AT = 16;
    private static final int CHECKPOINT_AT = 32;
    /** The CRC follows the fields (it is the struct's last member): searched from here up to {@link #CRC_LAST}. */
    private static final int CRC_FIRST = 40;

    private static final int CRC_LAST = 1024;

    /** Whether the control file says "shut down". */
    boolean shutDown() {
        return state == SHUT_DOWN;
    }

    /** The fields of {@code bytes} (the file's start), when it has the known version and a valid CRC. */
    static Optional<ControlFile> parse(byte[] bytes) {
        if (bytes.length < CRC_FIRST + 4) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        if (b.getInt(VERSION_AT) != VERSION || !crcChecks(bytes, b)) {
            return Optional.empty();
        }
        return Optional.of(new ControlFile(b.getInt(STATE_AT), new Lsn(b.getLong(CHECKPOINT_AT))));
    }

    /**
     * Whether some 4-byte-aligned offset in the file holds the CRC-32C of everything before it, as
     * PostgreSQL writes it ({@code offsetof(ControlFileData, crc)} depends on the build; a chance match
     * of a wrong offset is 1 in 2^32 per offset).
     */
    private static boolean crcChecks(byte[] bytes, ByteBuffer b) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, CRC_FIRST);
        int last = Math.min(CRC_LAST, bytes.length - 4);
        for (int at = CRC_FIRST; at <= last; at += 4) {
            if ((int) crc.getValue() == b.getInt(at)) {
                return true;
            }
            crc.update(bytes, at, 4);
        }
        return false;
    }
}
