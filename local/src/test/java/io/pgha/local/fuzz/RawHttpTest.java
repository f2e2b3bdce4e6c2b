package io.pgha.local.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawHttpTest {
    private static RawHttp.Answer parse(String raw) {
        return RawHttp.parse(raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsStatusHeadersAndAChunkedBody() {
        RawHttp.Answer answer = parse("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: text/plain\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.reason()).isEqualTo("Bad Request");
        assertThat(answer.headers()).containsEntry("content-type", "text/plain");
        assertThat(answer.body()).isEqualTo("hello world");
        assertThat(answer.refused()).isTrue();
    }

    @Test
    void aClosedConnectionIsARefusalWithoutStatus() {
        RawHttp.Answer answer = RawHttp.parse(new byte[0]);
        assertThat(answer.status()).isZero();
        assertThat(answer.refused()).isTrue();
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").refused())
                .isFalse();
    }
}
