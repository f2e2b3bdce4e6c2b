package io.pgha.repository.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeysTest {
    @Test
    void acceptsRelativePathsOfSafeCharacters() {
        assertThat(Keys.check("demo/wal/00000001/000000010000000000000003"))
                .isEqualTo("demo/wal/00000001/000000010000000000000003");
        assertThat(Keys.check("a.b_c-d")).isEqualTo("a.b_c-d");
        assertThat(Keys.checkPrefix("")).isEmpty();
        assertThat(Keys.checkPrefix("demo/backups/")).isEqualTo("demo/backups/");
        assertThat(Keys.checkName("20261201T101530Z", "backup id")).isEqualTo("20261201T101530Z");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/etc/passwd",
                "..",
                ".",
                "../x",
                "a/../../x",
                "a/./b",
                "a//b",
                "a/",
                "a\\..\\b",
                "a b",
                "a\nb",
                "a\u0000b",
                "é",
                "a/%2e%2e/b"
            })
    void refusesPathTraversalAndOddCharacters(String hostile) {
        assertThatThrownBy(() -> Keys.check(hostile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a repository key")
                .hasMessageNotContaining("\n");
    }

    @Test
    void refusesNullOverlongKeysAndBadPrefixes() {
        assertThatThrownBy(() -> Keys.check(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keys.check("a".repeat(1025))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keys.checkPrefix("demo")).hasMessageContaining("ends with '/'");
        assertThatThrownBy(() -> Keys.checkPrefix("../")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keys.checkPrefix("/")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNameIsOneSegment() {
        assertThatThrownBy(() -> Keys.checkName("a/b", "cluster name"))
                .hasMessageContaining("not a cluster name usable in the repository");
        assertThatThrownBy(() -> Keys.checkName("..", "backup id")).hasMessageContaining("backup id");
        assertThatThrownBy(() -> Keys.checkName(null, "backup id")).isInstanceOf(IllegalArgumentException.class);
    }
}
