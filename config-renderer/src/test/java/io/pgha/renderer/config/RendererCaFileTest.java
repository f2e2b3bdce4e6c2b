package io.pgha.renderer.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.renderer.render.RenderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RendererCaFileTest {
    @TempDir
    Path dir;

    @Test
    void noCaFileMeansTheSystemCas() {
        List<String> problems = new ArrayList<>();
        assertThat(RendererSettings.agentCaFile(problems, Optional.empty())).isEqualTo(RenderSettings.SYSTEM_CA);
        assertThat(problems).isEmpty();
    }

    @Test
    void aReadableCaFileIsUsedAsItsAbsolutePath() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
        List<String> problems = new ArrayList<>();
        assertThat(RendererSettings.agentCaFile(problems, Optional.of(ca)))
                .isEqualTo(ca.toAbsolutePath().toString());
        assertThat(problems).isEmpty();
    }

    @Test
    void aMissingOrUnwritableCaFileNamesTheProperty() {
        List<String> problems = new ArrayList<>();
        RendererSettings.agentCaFile(problems, Optional.of(dir.resolve("missing.crt")));
        RendererSettings.agentCaFile(problems, Optional.of(Path.of("/etc/pgha/my ca.crt")));
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("pgha.renderer.checks.ca-file=").contains("is not a readable file");
        assertThat(problems.get(1)).contains("cannot be written into HAProxy's config");
    }
}
