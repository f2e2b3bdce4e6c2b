package io.pgha.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import org.junit.jupiter.api.Test;

class AgentApiTlsEngineTest {
    @Test
    void openSslWhenItsNativeLibraryLoadsElseTheJdk() {
        assertThat(AgentApiTlsEngine.decide(true)).isEqualTo(AgentApiTlsEngine.Engine.OPENSSL);
        assertThat(AgentApiTlsEngine.decide(false)).isEqualTo(AgentApiTlsEngine.Engine.JDK);
    }

    @Test
    void theShippedNativeLibraryLoadsAndTheHttpsServerUsesIt() {
        assertThat(OpenSsl.unavailabilityCause())
                .as("netty-tcnative-boringssl-static of node-agent's pom loads on this platform")
                .isNull();
        HttpServerOptions https = new HttpServerOptions().setSsl(true);
        new AgentApiTlsEngine().customizeHttpsServer(https);
        assertThat(https.getSslEngineOptions()).isInstanceOf(OpenSSLEngineOptions.class);
        assertThat(OpenSsl.availableJavaCipherSuites())
                .as("TLS 1.3 suites: the agent's HTTPS port speaks TLS 1.3 only")
                .contains("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");
    }

    @Test
    void thePlainHttpServerIsLeftAlone() {
        HttpServerOptions http = new HttpServerOptions();
        new AgentApiTlsEngine().customizeHttpServer(http);
        assertThat(http.getSslEngineOptions()).isNull();
    }
}
