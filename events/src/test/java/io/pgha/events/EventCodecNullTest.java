package io.pgha.events;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A body that is JSON {@code null} is no event: decoding it fails with a reason (so a consumer
 * dead-letters it) instead of handing the service a null that it then silently drops.
 */
class EventCodecNullTest {
    @Test
    void aJsonNullBodyIsRefusedWithAReason() {
        EventCodec codec = new EventCodec();
        String type = EventType.ALL.get(0).ceType();
        assertThatThrownBy(() -> codec.decode(type, " null ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining(type)
                .hasMessageContaining("JSON null");
    }
}
