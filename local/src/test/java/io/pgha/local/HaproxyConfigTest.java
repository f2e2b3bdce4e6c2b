package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxyConfigTest {
    @Test
    void rendersOneListenSectionPerListenerWithCheckedServersAndStats() {
        String text = new HaproxyConfig()
                .listen("rw", "127.0.0.1", 5000, List.of(new HaproxyConfig.Server("pg-0", "127.0.0.1", 5432)))
                .listen(
                        "ro",
                        "127.0.0.1",
                        5001,
                        List.of(
                                new HaproxyConfig.Server("pg-1", "127.0.0.1", 5433),
                                new HaproxyConfig.Server("pg-2", "127.0.0.1", 5434)))
                .stats(7000)
                .render();

        assertThat(text)
                .contains("listen rw\n    bind 127.0.0.1:5000\n")
                .contains("    server pg-0 127.0.0.1:5432 check\n")
                .contains("listen ro\n    bind 127.0.0.1:5001\n")
                .contains("    server pg-2 127.0.0.1:5434 check\n")
                .contains("listen stats\n    mode http\n    bind 127.0.0.1:7000\n");
        assertThat(text.indexOf("listen rw")).isLessThan(text.indexOf("listen ro"));
    }
}
