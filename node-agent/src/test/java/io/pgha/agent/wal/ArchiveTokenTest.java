package io.pgha.agent.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTokenTest {
    @TempDir
    Path node;

    @Test
    void theHeaderFileIsPrivateAndOnlyItsTokenIsAccepted() throws Exception {
        ArchiveToken token = ArchiveToken.create(node.resolve("wal-auth.header"), node);
        Path file = token.headerFile();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getOwner(file)).isEqualTo(Files.getOwner(node));
        String header = Files.readString(file).strip();
        assertThat(header)
                .startsWith("Authorization: Bearer ")
                .hasSizeGreaterThan("Authorization: Bearer ".length() + 40);
        String value = header.substring("Authorization: ".length());
        assertThat(token.accepts(value)).isTrue();
        assertThat(token.accepts(value + "x")).isFalse();
        assertThat(token.accepts(value.substring(0, value.length() - 1))).isFalse();
        assertThat(token.accepts(null)).isFalse();
        assertThat(token.accepts("Basic " + value.substring("Bearer ".length())))
                .isFalse();
        // each run of the agent has a new token: the old one is refused
        ArchiveToken next = ArchiveToken.create(node.resolve("wal-auth.header"), node);
        assertThat(next.accepts(value)).isFalse();
    }
}
