package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan finds a planted secret where it looks, names where, and never prints the value. */
class SecretScanTest {
    private static final String SECRET = "planted-secret-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void aSecretInALogFileIsFoundAndOtherFilesAreNotRead() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/agent-pg-0.log"), "connected with password=" + SECRET + "\n");
        Files.writeString(dir.resolve("postgresql-0.csv"), "nothing here\n");
        Files.writeString(dir.resolve("secrets-file"), SECRET); // where a secret belongs: not a log

        List<String> findings = new SecretScan(Map.of("superuser password", SECRET))
                .logsUnder(dir)
                .findings();

        assertThat(findings)
                .containsExactly("the superuser password is in log file " + dir.resolve("logs/agent-pg-0.log"));
        assertThat(String.join("\n", findings)).doesNotContain(SECRET);
    }

    @Test
    void aSecretOnACommandLineIsFound() throws Exception {
        Process process = new ProcessBuilder("/bin/sh", "-c", "sleep 30", SECRET).start();
        try {
            List<String> findings =
                    new SecretScan(Map.of("API token", SECRET)).commandLines().findings();
            assertThat(findings)
                    .anyMatch(f -> f.startsWith("the API token is in the command line of process " + process.pid()));
            assertThat(String.join("\n", findings)).doesNotContain(SECRET);
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSecretTooShortToScanIsRefused() {
        assertThatThrownBy(() -> new SecretScan(Map.of("pin", "1234")))
                .hasMessageContaining("pin is shorter than 12 characters");
    }
}
