package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigCatalogTest {
    private static final String MAPPING =
            """
            package x;
            /** A {@code group} {with braces}. */
            @ConfigMapping(prefix = "pgha")
            public interface Cfg {
                /** the cluster */
                String cluster();
                @WithName("etcd.endpoints")
                List<String> etcdEndpoints();
                Postgres postgres();
                interface Postgres {
                    @WithName("data-dir")
                    Path dataDir();
                    @WithDefault("5432")
                    int port();
                    @WithDefault("http://${host:127.0.0.1}:1")
                    String url();
                    Optional<String> password();
                    Map<String, String> parameters();
                    Map<String, Cluster> clusters();
                }
                interface Cluster {
                    int readWritePort();
                }
                Optional<Api> api();
                interface Api {
                    String token();
                }
            }
            """;

    private final ConfigCatalog catalog =
            ConfigCatalog.of(List.of(MAPPING, "@ConfigProperty(name = \"pgha.extra\") String x;"), "a.b-c=1\n");

    @Test
    void mappingsGroupsMapsAndDefaultsBecomeProperties() {
        assertThat(catalog.properties())
                .contains(
                        new ConfigCatalog.Property("pgha.cluster", true),
                        new ConfigCatalog.Property("pgha.etcd.endpoints", true),
                        new ConfigCatalog.Property("pgha.postgres.data-dir", true),
                        new ConfigCatalog.Property("pgha.postgres.port", false),
                        new ConfigCatalog.Property("pgha.postgres.url", false),
                        new ConfigCatalog.Property("pgha.postgres.password", false),
                        new ConfigCatalog.Property("pgha.postgres.parameters.*", false),
                        new ConfigCatalog.Property("pgha.postgres.clusters.*.read-write-port", false),
                        new ConfigCatalog.Property("pgha.api.token", false),
                        new ConfigCatalog.Property("pgha.extra", false),
                        new ConfigCatalog.Property("a.b-c", false),
                        new ConfigCatalog.Property("kafka.bootstrap.servers", false));
    }

    @Test
    void envNamesAndKeysAreMatchedAsSmallRyeDoes() {
        assertThat(catalog.forEnv("PGHA_POSTGRES_DATA_DIR"))
                .map(ConfigCatalog.Property::name)
                .contains("pgha.postgres.data-dir");
        assertThat(catalog.forEnv("PGHA_ETCD_ENDPOINTS")).isPresent();
        assertThat(catalog.forEnv("KAFKA_BOOTSTRAP_SERVERS")).isPresent();
        // Quarkus' HTTPS settings (the TLS registry's default PEM key store: a map keyed "0"); a map key only
        // in SmallRye's quoted form, the one Quarkus reads from the environment
        assertThat(catalog.forEnv("QUARKUS_TLS_KEY_STORE_PEM__0__CERT")).isPresent();
        assertThat(catalog.forEnv("QUARKUS_TLS_KEY_STORE_PEM__0__KEY")).isPresent();
        assertThat(catalog.envNameOf("quarkus.tls.key-store.pem.0.cert"))
                .hasValue("QUARKUS_TLS_KEY_STORE_PEM__0__CERT");
        assertThat(catalog.envNameOf("quarkus.http.ssl-port")).hasValue("QUARKUS_HTTP_SSL_PORT");
        assertThat(catalog.forEnv("QUARKUS_HTTP_SSL_PORT")).isPresent();
        assertThat(catalog.forEnv("QUARKUS_HTTP_INSECURE_REQUESTS")).isPresent();
        assertThat(catalog.forEnv("QUARKUS_TLS_KEY_STORE_PEM_0_CERT"))
                .as("unquoted map key")
                .isEmpty();
        assertThat(catalog.forEnv("QUARKUS_TLS_KEY_STORE_PEM_CERT")).isEmpty();
        assertThat(catalog.forEnv("PGHA_POSTGRES_DATADIR")).isEmpty();
        assertThat(catalog.forEnv("PGHA_POSTGRES")).isEmpty();
        assertThat(catalog.forKey("pgha.postgres.clusters.main.read-write-port"))
                .isPresent();
        assertThat(catalog.forKey("pgha.postgres.parameters.shared_buffers")).isPresent();
        assertThat(catalog.forKey("pgha.postgres.clusters.main.read-write")).isEmpty();
    }

    @Test
    void propertyNameConstantsReadByCodeArePropertiesToo() {
        ConfigCatalog c = ConfigCatalog.of(
                List.of(
                        """
                        public final class KafkaCredentials {
                            public static final String USERNAME = "pgha.kafka.username";
                            public static final String PASSWORD = "pgha.kafka.password";
                            public static final String PASSWORD_FILE = PASSWORD + "-file";
                            static final String NOT_A_PROPERTY = "hello";
                        }
                        """),
                "");
        assertThat(c.forEnv("PGHA_KAFKA_USERNAME")).isPresent();
        assertThat(c.forEnv("PGHA_KAFKA_PASSWORD_FILE")).isPresent();
        assertThat(c.forEnv("KAFKA_SSL_TRUSTSTORE_LOCATION")).isPresent();
        assertThat(c.forEnv("PGHA_KAFKA_USER")).isEmpty();
        assertThat(c.properties()).extracting(ConfigCatalog.Property::name).doesNotContain("hello");
    }
}
