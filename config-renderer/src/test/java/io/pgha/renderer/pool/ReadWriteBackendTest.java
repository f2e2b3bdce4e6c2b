package io.pgha.renderer.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ReadWriteBackendTest {
    /** HAProxy 2.6.12's answer to {@code show stat main_rw 2 -1} (shortened after the columns read). */
    private static String showStat(String status, int act) {
        return "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,"
                + "weight,act,bck,chkfail\n"
                + "main_rw,BACKEND,0,0,0,0,999,0,0,0,0,0,,0,0,0,0," + status + "," + act + "," + act + ",0,\n\n";
    }

    @Test
    void readsTheActiveServersOfTheBackendRow() {
        assertThat(ReadWriteBackend.activeServers(showStat("UP", 1), "main_rw")).hasValue(1);
        assertThat(ReadWriteBackend.activeServers(showStat("DOWN", 0), "main_rw"))
                .hasValue(0);
    }

    @Test
    void findsTheBackendAmongEveryProxysRows() {
        // show stat -1 2 -1: every backend (the frontend of the same name has no BACKEND row)
        String all = showStat("UP", 1)
                + "other_rw,BACKEND,0,0,0,0,999,0,0,0,0,0,,0,0,0,0,DOWN,0,0,0,\n"
                + "main_ro,BACKEND,0,0,0,0,999,0,0,0,0,0,,0,0,0,0,UP,2,2,0,\n";
        assertThat(ReadWriteBackend.activeServers(all.replace("\n\n", "\n"), "main_rw"))
                .hasValue(1);
        assertThat(ReadWriteBackend.activeServers(all.replace("\n\n", "\n"), "other_rw"))
                .hasValue(0);
    }

    @Test
    void anythingElseIsUnknown() {
        assertThat(ReadWriteBackend.activeServers("No such proxy.\n\n", "main_rw"))
                .isEqualTo(OptionalInt.empty());
        assertThat(ReadWriteBackend.activeServers(showStat("UP", 1), "other_rw"))
                .isEqualTo(OptionalInt.empty());
        assertThat(ReadWriteBackend.activeServers("# pxname,svname,status\nmain_rw,BACKEND,UP\n", "main_rw"))
                .isEqualTo(OptionalInt.empty());
        assertThat(ReadWriteBackend.activeServers("", "main_rw")).isEqualTo(OptionalInt.empty());
    }
}
