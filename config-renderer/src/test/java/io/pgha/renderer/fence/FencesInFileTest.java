package io.pgha.renderer.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.renderer.render.HaproxyConfigRenderer;
import io.pgha.renderer.render.Topologies;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FencesInFileTest {
    @Test
    void theFencesARenderingCarriesAreReadBack() {
        String text = new HaproxyConfigRenderer()
                .render(
                        Map.of("main", Topologies.topology(7, "pg-0", 3)),
                        Topologies.settings(),
                        Map.of("main", Map.of("pg-0", 7L)))
                .text();
        assertThat(text).contains("disabled");
        assertThat(FencesInFile.parse(text)).isEqualTo(Map.of("main", Map.of("pg-0", 7L)));
    }

    @Test
    void noFenceNoEntry() {
        String text = new HaproxyConfigRenderer()
                .render(Map.of("main", Topologies.topology(7, "pg-0", 3)), Topologies.settings())
                .text();
        assertThat(FencesInFile.parse(text)).isEmpty();
    }
}
