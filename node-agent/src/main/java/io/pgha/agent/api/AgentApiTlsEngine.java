package io.pgha.agent.api;

import io.netty.handler.ssl.OpenSsl;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The TLS engine of the agent's HTTPS REST API: BoringSSL (netty-tcnative, shipped for Linux x86_64 and
 * aarch64) when its native library loads, else the JDK's. Why (issue 17, docs/benchmarks.md): HAProxy opens
 * a new TLS 1.3 connection for every check, twice a second on a replica; in the JDK's engine, compiled by C1
 * only, each cost the agent 5-7 ms of CPU, about half of an idle replica agent's CPU. Certificates,
 * protocols and ciphers still come from Quarkus' TLS registry; only the engine changes. {@code
 * -Dio.netty.handler.ssl.noOpenSsl=true} keeps the JDK's (it also keeps jetcd's gRPC client on the JDK's:
 * netty picks OpenSSL for every TLS context it builds by default once the native library is present).
 */
@Singleton
public class AgentApiTlsEngine implements HttpServerOptionsCustomizer {
    private static final Logger LOG = Logger.getLogger(AgentApiTlsEngine.class);

    /** The engines the HTTPS server can use. */
    public enum Engine {
        OPENSSL,
        JDK
    }

    /** The engine for a machine where netty's OpenSSL binding is ({@code openSslAvailable}) or is not usable. */
    public static Engine decide(boolean openSslAvailable) {
        return openSslAvailable ? Engine.OPENSSL : Engine.JDK;
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        Engine engine = decide(OpenSSLEngineOptions.isAvailable());
        if (engine == Engine.OPENSSL) {
            options.setSslEngineOptions(new OpenSSLEngineOptions());
            LOG.infof("REST API TLS engine: %s (netty-tcnative)", OpenSsl.versionString());
        } else {
            Throwable cause = OpenSsl.unavailabilityCause();
            LOG.infof(
                    "REST API TLS engine: the JDK's (OpenSSL not available: %s)",
                    cause == null ? "unknown" : cause.toString());
        }
    }
}
