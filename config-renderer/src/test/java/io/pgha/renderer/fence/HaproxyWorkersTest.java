package io.pgha.renderer.fence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Answers as Debian's HAProxy 2.6.12 gave them (captured by hand, 2026-12-04). */
class HaproxyWorkersTest {
    private static final String SHOW_PROC =
            """
            #<PID>          <type>          <reloads>       <uptime>        <version>
            3990            master          2 [failed: 0]   0d00h10m33s     2.6.12-1+deb12u4
            # workers
            29201           worker          0               0d00h00m01s     2.6.12-1+deb12u4
            # old workers
            4660            worker          1               0d00h10m26s     2.6.12-1+deb12u4
            4001            worker          2               0d00h12m26s     2.6.12-1+deb12u4
            # programs
            """;

    private static final String SHOW_SESS =
            """
            0x561326e51cf0: proto=tcpv4 src=127.0.0.1:33352 fe=main_rw be=main_rw srv=pg-0 ts=00 epoch=0 age=11s calls=3
            0x561326e51d00: proto=tcpv4 src=127.0.0.1:33353 fe=main_ro be=main_ro srv=pg-1 ts=00 epoch=0 age=11s calls=3
            0x561326e51e00: proto=tcpv4 src=127.0.0.1:33354 fe=main_ro be=main_rw srv=pg-0 ts=00 epoch=0 age=1s calls=3
            0x561326f3fb10: proto=sockpair src=unix:2 fe=GLOBAL be=<NONE> srv=<none> ts=00 epoch=0 age=0s calls=1
            """;

    @Test
    void oldWorkersAreTheOnesUnderTheirHeading() {
        assertThat(HaproxyWorkers.oldWorkers(SHOW_PROC)).containsExactly(4660L, 4001L);
    }

    @Test
    void noOldWorkers() {
        assertThat(HaproxyWorkers.oldWorkers(
                        "#<PID> <type>\n3990 master 1 [failed: 0]\n# workers\n29201 worker 0 0d\n# programs\n"))
                .isEmpty();
    }

    @Test
    void sessionsOfTheReadWriteBackendWhateverTheFrontend() {
        // the read-only frontend falls back to the read-write backend when no replica is up
        assertThat(HaproxyWorkers.sessionsOf(SHOW_SESS, "main_rw")).containsExactly("0x561326e51cf0", "0x561326e51e00");
        assertThat(HaproxyWorkers.sessionsOf(SHOW_SESS, "other_rw")).isEmpty();
    }

    @Test
    void aGoneWorker() {
        assertThat(HaproxyWorkers.workerGone("Can't find the target PID matching the prefix '@!99999'"))
                .isTrue();
        assertThat(HaproxyWorkers.workerGone("")).isFalse();
    }
}
