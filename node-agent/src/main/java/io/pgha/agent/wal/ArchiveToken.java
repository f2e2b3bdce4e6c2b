package io.pgha.agent.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bearer token of the WAL endpoints: random for each run of the agent, known only to the agent
 * and (through a header file curl reads) to PostgreSQL's archive and restore commands. The file is
 * mode 0600, owned by the OS user PostgreSQL runs as (the owner of the data directory, when the agent
 * runs as another user), and lives in the node folder, outside the data directory, so a base backup
 * never copies it.
 */
public final class ArchiveToken {
    private final String token;
    private final Path headerFile;

    private ArchiveToken(String token, Path headerFile) {
        this.token = token;
        this.headerFile = headerFile;
    }

    /** A new token, written to {@code headerFile} for PostgreSQL's user {@code owner}. */
    public static ArchiveToken create(Path headerFile, Path ownerOf) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Files.createDirectories(headerFile.getParent());
            Path temp = headerFile.resolveSibling(headerFile.getFileName() + ".pgha-tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, "Authorization: Bearer " + token + "\n", StandardCharsets.US_ASCII);
            if (Files.exists(ownerOf)) {
                UserPrincipal owner = Files.getOwner(ownerOf);
                if (!owner.equals(Files.getOwner(temp))) {
                    Files.setOwner(temp, owner);
                }
            }
            Files.move(temp, headerFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the archive token file " + headerFile + " (it must be in a folder the agent can"
                            + " write and PostgreSQL's user can read)",
                    e);
        }
        return new ArchiveToken(token, headerFile);
    }

    public Path headerFile() {
        return headerFile;
    }

    /** Whether the {@code Authorization} header carries this token (constant-time comparison). */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        byte[] presented = authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presented, token.getBytes(StandardCharsets.US_ASCII));
    }
}
