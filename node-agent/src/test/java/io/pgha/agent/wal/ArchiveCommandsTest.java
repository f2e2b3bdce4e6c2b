package io.pgha.agent.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveCommandsTest {
    private static final ArchiveSettings SETTINGS =
            ArchiveSettings.checked(4, 64, 8, Duration.ofSeconds(60), Duration.ofSeconds(300), "curl");
    /** Where the stand-in curl records its calls; the targets PostgreSQL restores into. */
    private static final String CALLS = "curl-calls";

    private static final String HISTORY = "pg_wal/RECOVERYHISTORY";
    private static final String SEGMENT = "pg_wal/RECOVERYXLOG";

    @Test
    void archiveAndRestoreCommandsCallTheAgentOnLoopbackWithTheHeaderFile() {
        Map<String, String> p =
                ArchiveCommands.parameters(SETTINGS, Path.of("/var/lib/pgha/node 1/wal-auth.header"), "0.0.0.0", 8008);
        assertThat(p.get("archive_mode")).isEqualTo("on");
        assertThat(p.get("archive_timeout")).isEqualTo("60s");
        assertThat(p.get("archive_command"))
                .isEqualTo("curl -fsS --max-time 300 -o /dev/null -X POST -H @'/var/lib/pgha/node 1/wal-auth.header'"
                        + " http://127.0.0.1:8008/wal/archive/%f");
        assertThat(p.get("restore_command"))
                .isEqualTo("case %f in *.history) [ -f pg_wal/%f ] && exit 1;"
                        + " [ -f '/var/lib/pgha/node 1/wal-absent'/%f ] && exit 1;; esac; exec curl -fsS --max-time 300"
                        + " -H @'/var/lib/pgha/node 1/wal-auth.header' -o %p http://127.0.0.1:8008/wal/restore/%f");
    }

    @Test
    void aRestoreFromAnotherClusterNamesItAndTheAgentsOwnAddressIsUsed() {
        assertThat(ArchiveCommands.restoreCommand(
                        SETTINGS, Path.of("/n/wal-auth.header"), "10.0.0.5", 8010, Optional.of("source-1")))
                .startsWith("curl ")
                .endsWith(" http://10.0.0.5:8010/wal/restore/%f?cluster=source-1");
        assertThat(ArchiveCommands.base("::", 8008)).isEqualTo("http://[::1]:8008");
        assertThatThrownBy(() -> ArchiveCommands.restoreCommand(
                        SETTINGS, Path.of("/n/h"), "127.0.0.1", 8008, Optional.of("x;rm -rf /")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pathsAndHostsThatCouldBreakTheShellCommandAreRefused() {
        assertThatThrownBy(() -> ArchiveCommands.parameters(SETTINGS, Path.of("/a'b/h"), "127.0.0.1", 8008))
                .hasMessageContaining("pgha.postgres.data-dir");
        assertThatThrownBy(() -> ArchiveCommands.parameters(SETTINGS, Path.of("/a/%f/h"), "127.0.0.1", 8008))
                .hasMessageContaining("pgha.postgres.data-dir");
        assertThatThrownBy(() -> ArchiveCommands.parameters(SETTINGS, Path.of("/a/h"), "host;id", 8008))
                .hasMessageContaining("quarkus.http.host");
    }

    @Test
    void badArchiveSettingsNameTheirProperty() {
        assertThatThrownBy(() -> ArchiveSettings.checked(0, 0, 99, Duration.ofMillis(10), Duration.ZERO, "-x"))
                .hasMessageContaining("pgha.archive.push-ahead")
                .hasMessageContaining("pgha.archive.queue-size")
                .hasMessageContaining("pgha.archive.prefetch")
                .hasMessageContaining("pgha.archive.timeout")
                .hasMessageContaining("pgha.archive.command-timeout")
                .hasMessageContaining("pgha.archive.curl");
        assertThat(ArchiveSettings.checked(1, 1, 0, Duration.ZERO, Duration.ofSeconds(5), "/usr/bin/curl")
                        .prefetch())
                .isZero();
    }

    @Test
    void overHttpsCurlVerifiesTheAgentWithTheConfiguredCa() {
        ArchiveCommands.Tls tls = new ArchiveCommands.Tls(true, Optional.of(Path.of("/etc/pgha/ca.crt")));
        Map<String, String> p = ArchiveCommands.parameters(SETTINGS, Path.of("/n/h"), "127.0.0.1", 8009, tls);
        assertThat(p.get("archive_command"))
                .isEqualTo("curl -fsS --max-time 300 -o /dev/null -X POST -H @'/n/h' --cacert '/etc/pgha/ca.crt'"
                        + " https://127.0.0.1:8009/wal/archive/%f");
        assertThat(p.get("restore_command"))
                .isEqualTo(ArchiveCommands.localHistory(Path.of("/n/h"))
                        + "exec curl -fsS --max-time 300 -H @'/n/h' --cacert"
                        + " '/etc/pgha/ca.crt' -o %p https://127.0.0.1:8009/wal/restore/%f");
        assertThat(ArchiveCommands.parameters(
                                SETTINGS,
                                Path.of("/n/h"),
                                "127.0.0.1",
                                8009,
                                new ArchiveCommands.Tls(true, Optional.empty()))
                        .get("archive_command"))
                .doesNotContain("--cacert")
                .endsWith(" https://127.0.0.1:8009/wal/archive/%f");
        assertThatThrownBy(() -> ArchiveCommands.parameters(
                        SETTINGS,
                        Path.of("/n/h"),
                        "127.0.0.1",
                        8009,
                        new ArchiveCommands.Tls(true, Optional.of(Path.of("/a'b")))))
                .hasMessageContaining("pgha.agent-api.ca-file");
    }

    /**
     * The command as PostgreSQL runs it (%f and %p replaced, {@code /bin/sh -c} in the data directory):
     * a history file in pg_wal is "not found" (exit 1, PostgreSQL reads pg_wal's copy) without running
     * curl; anything else runs curl (here a stand-in that records its arguments).
     */
    @Test
    void aHistoryFileInPgWalIsAnsweredWithoutCurlAndEverythingElseAsksTheAgent(@TempDir Path data) throws Exception {
        Files.createDirectories(data.resolve("pg_wal"));
        Files.writeString(data.resolve("pg_wal/00000005.history"), "4\t0/3000000\tno recovery target specified\n");
        Path header = data.resolve("wal-auth.header");
        String command = ArchiveCommands.parameters(fakeCurl(data), header, "127.0.0.1", 8008)
                .get("restore_command");

        assertThat(run(data, command, "00000005.history", HISTORY)).isEqualTo(1);
        Files.createDirectories(data.resolve(AbsentHistory.FOLDER));
        Files.writeString(data.resolve(AbsentHistory.FOLDER).resolve("00000007.history"), "");
        assertThat(run(data, command, "00000007.history", HISTORY)).isEqualTo(1);
        assertThat(data.resolve(CALLS)).doesNotExist();

        assertThat(run(data, command, "00000006.history", HISTORY)).isEqualTo(22);
        assertThat(run(data, command, "000000050000000000000003", SEGMENT)).isEqualTo(22);
        assertThat(Files.readAllLines(data.resolve(CALLS)))
                .containsExactly(
                        curlCall(header, HISTORY, "00000006.history"),
                        curlCall(header, SEGMENT, "000000050000000000000003"));
    }

    /**
     * With a local archive folder (a posix repository), a file it does not hold is "not found" at once,
     * without curl, whatever its kind; a file it holds is asked of the agent, which decodes it. Without a
     * folder, or with a path that cannot be quoted, the command is the curl one as before.
     */
    @Test
    void aFileTheLocalArchiveLacksIsAnsweredWithoutCurlAndOneItHoldsAsksTheAgent(@TempDir Path data) throws Exception {
        Files.createDirectories(data.resolve("pg_wal"));
        Path wal = data.resolve("repo dir/pgha/wal");
        Files.createDirectories(wal.resolve("00000005"));
        Files.writeString(wal.resolve("00000005/000000050000000000000003"), "archived");
        Files.writeString(wal.resolve("00000005/00000005.history"), "archived");
        Path header = data.resolve("wal-auth.header");
        String command = ArchiveCommands.parameters(
                        fakeCurl(data), header, "127.0.0.1", 8008, ArchiveCommands.Tls.PLAIN, Optional.of(wal))
                .get("restore_command");

        assertThat(run(data, command, "000000050000000000000004", SEGMENT)).isEqualTo(1);
        assertThat(run(data, command, "000000060000000000000003", SEGMENT)).isEqualTo(1);
        assertThat(run(data, command, "00000006.history", HISTORY)).isEqualTo(1);
        assertThat(data.resolve(CALLS)).doesNotExist();

        assertThat(run(data, command, "000000050000000000000003", SEGMENT)).isEqualTo(22);
        assertThat(run(data, command, "00000005.history", HISTORY)).isEqualTo(22);
        assertThat(Files.readAllLines(data.resolve(CALLS)))
                .containsExactly(
                        curlCall(header, SEGMENT, "000000050000000000000003"),
                        curlCall(header, HISTORY, "00000005.history"));

        assertThat(ArchiveCommands.localArchive(Optional.empty())).isEmpty();
        assertThat(ArchiveCommands.localArchive(Optional.of(Path.of("/repo/it's/wal"))))
                .isEmpty();
    }

    /** Settings whose curl is a stand-in in {@code data} that records its arguments in {@link #CALLS} and fails. */
    private static ArchiveSettings fakeCurl(Path data) throws Exception {
        Path curl = data.resolve("fake-curl");
        Files.writeString(curl, "#!/bin/sh\necho \"$*\" >> '" + data.resolve(CALLS) + "'\nexit 22\n");
        curl.toFile().setExecutable(true);
        return ArchiveSettings.checked(4, 64, 8, Duration.ofSeconds(60), Duration.ofSeconds(300), curl.toString());
    }

    /** The arguments the stand-in curl records for a restore of {@code name} into {@code target}. */
    private static String curlCall(Path header, String target, String name) {
        return "-fsS --max-time 300 -H @" + header + " -o " + target + " http://127.0.0.1:8008/wal/restore/" + name;
    }

    /** Runs {@code command} as PostgreSQL's restore_command does; its exit status. */
    private static int run(Path data, String command, String name, String target) throws Exception {
        String line = substituted(command, name, target);
        Process p = new ProcessBuilder("/bin/sh", "-c", line)
                .directory(data.toFile())
                .redirectErrorStream(true)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the restore command did not end within 30 s: " + line);
        }
        return p.exitValue();
    }

    /** PostgreSQL's substitution, left to right: %f, %p, %% becomes %, any other % stays. */
    private static String substituted(String command, String name, String target) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            char next = i + 1 < command.length() ? command.charAt(i + 1) : 0;
            if (c == '%' && (next == 'f' || next == 'p' || next == '%')) {
                line.append(next == 'f' ? name : next == 'p' ? target : "%");
                i++;
            } else {
                line.append(c);
            }
        }
        return line.toString();
    }
}
