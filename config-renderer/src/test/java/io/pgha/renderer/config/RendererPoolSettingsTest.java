package io.pgha.renderer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.renderer.pool.PoolSettings;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pooler's properties (names and defaults of {@link RendererConfig}) and their checks at start. */
class RendererPoolSettingsTest {
    private static Map<String, String> base() {
        Map<String, String> p = new HashMap<>();
        p.put("pgha.renderer.group-id", "r");
        p.put("pgha.renderer.haproxy.config-path", "/run/haproxy/haproxy.cfg");
        p.put("pgha.renderer.haproxy.master-socket", "/run/haproxy/master.sock");
        p.put("pgha.renderer.haproxy.runtime-socket", "/run/haproxy/runtime.sock");
        p.put("pgha.renderer.clusters.main.read-write-port", "5000");
        p.put("pgha.renderer.clusters.main.read-only-port", "5001");
        return p;
    }

    private static Map<String, String> pooled() {
        Map<String, String> p = base();
        p.put("pgha.renderer.pool.enabled", "true");
        p.put("pgha.renderer.pool.cluster", "main");
        p.put("pgha.renderer.pool.config-path", "/run/pgbouncer/pgbouncer.ini");
        p.put("pgha.renderer.pool.auth-file", "/run/pgbouncer/userlist.txt");
        p.put("pgha.renderer.pool.admin-password", "secret");
        return p;
    }

    @Test
    void offByDefault() {
        assertThat(RendererSettings.pool(config(base()))).isEmpty();
    }

    @Test
    void defaultsPointTheReadWritePoolsAtHaproxysReadWritePort() {
        PoolSettings s = RendererSettings.pool(config(pooled())).orElseThrow();
        assertThat(s.port()).isEqualTo(6432);
        assertThat(s.mode()).isEqualTo("transaction");
        assertThat(s.databases()).isEqualTo(List.of("postgres"));
        assertThat(s.readWritePort()).isEqualTo(5000);
        assertThat(s.readOnlyPort()).isEqualTo(5001);
        assertThat(s.authUser()).isEqualTo("pgha_pooler");
        assertThat(s.maxPause()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.queryWaitTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxFailoverPause()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.toString()).doesNotContain("secret");
    }

    @Test
    void badSettingsStopTheStartNamingEachProperty() {
        Map<String, String> p = pooled();
        p.put("pgha.renderer.pool.cluster", "other");
        p.put("pgha.renderer.pool.port", "5000");
        p.put("pgha.renderer.pool.mode", "statement");
        p.put("pgha.renderer.pool.databases", "app;DROP");
        p.put("pgha.renderer.pool.max-pause", "40s");
        p.put("pgha.renderer.pool.max-failover-pause", "30s");
        p.put("pgha.renderer.pool.server-login-retry", "500ms");
        p.remove("pgha.renderer.pool.admin-password");
        assertThatThrownBy(() -> RendererSettings.pool(config(p)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.renderer.pool.cluster=other is not one of pgha.renderer.clusters")
                .hasMessageContaining("pgha.renderer.pool.port=5000 is already taken by")
                .hasMessageContaining("pgha.renderer.pool.mode=statement must be one of")
                .hasMessageContaining("pgha.renderer.pool.databases: 'app;DROP' is not a plain database name")
                .hasMessageContaining("pgha.renderer.pool.query-wait-timeout=PT30S must be longer than"
                        + " pgha.renderer.pool.max-pause=PT40S")
                .hasMessageContaining("pgha.renderer.pool.query-wait-timeout=PT30S must be longer than"
                        + " pgha.renderer.pool.max-failover-pause=PT30S")
                .hasMessageContaining("pgha.renderer.pool.server-login-retry=PT0.5S must be whole seconds")
                .hasMessageContaining("pgha.renderer.pool.admin-password is not set");
    }

    @Test
    void theDefaultSizingFitsTheNodeAgentsMaxConnections() {
        // 2 databases (postgres, postgres_ro: the read-only listener may fall back to the primary)
        // × max_db_connections 18 = 36 <= max_connections 50 - 3 superuser-reserved - 10 other = 37
        PoolSettings s = RendererSettings.pool(config(pooled())).orElseThrow();
        assertThat(s.defaultPoolSize()).isEqualTo(15);
        assertThat(s.reservePoolSize()).isEqualTo(3);
        assertThat(s.maxDbConnections()).isEqualTo(18);
        assertThat(s.maxClientConn()).isEqualTo(1000);
        assertThat(RendererSettings.sizing(config(pooled())).serverConnections())
                .isEqualTo(36);
    }

    @Test
    void poolsThatCouldExhaustMaxConnectionsStopTheStartNamingTheProperties() {
        // PgBouncer's own defaults: default_pool_size 20, no cap: 2 × 20 = 40 > 37
        Map<String, String> p = pooled();
        p.put("pgha.renderer.pool.default-pool-size", "20");
        p.put("pgha.renderer.pool.reserve-pool-size", "0");
        p.put("pgha.renderer.pool.max-db-connections", "0");
        assertThatThrownBy(() -> RendererSettings.pool(config(p)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the pools may open 40 server connections on the primary")
                .hasMessageContaining("pgha.renderer.pool.instances 1")
                .hasMessageContaining("pgha.renderer.pool.default-pool-size 20")
                .hasMessageContaining("pgha.renderer.pool.max-connections (PostgreSQL's max_connections) 50 leaves 37")
                .hasMessageContaining("pgha.renderer.pool.other-connections 10")
                .hasMessageContaining("set pgha.renderer.pool.max-db-connections to at most 18");
    }

    @Test
    void aSecondPgBouncerOnTheSamePrimaryNeedsSmallerPools() {
        Map<String, String> p = pooled();
        p.put("pgha.renderer.pool.instances", "2");
        assertThatThrownBy(() -> RendererSettings.pool(config(p)))
                .hasMessageContaining("the pools may open 72 server connections")
                .hasMessageContaining("set pgha.renderer.pool.max-db-connections to at most 9");
        p.put("pgha.renderer.pool.max-db-connections", "9");
        p.put("pgha.renderer.pool.default-pool-size", "7");
        p.put("pgha.renderer.pool.reserve-pool-size", "2");
        assertThat(RendererSettings.pool(config(p))).isPresent();
    }

    @Test
    void withoutTheReadOnlyFallbackOnlyTheReadWriteDatabasesCountAndTheRealMaxConnectionsIsUsed() {
        Map<String, String> p = pooled();
        p.put("pgha.renderer.read-only.fallback-to-primary", "false");
        p.put("pgha.renderer.pool.max-db-connections", "37");
        p.put("pgha.renderer.pool.default-pool-size", "37");
        p.put("pgha.renderer.pool.reserve-pool-size", "0");
        assertThat(RendererSettings.pool(config(p))).isPresent();
        p.put("pgha.renderer.pool.max-connections", "40");
        assertThatThrownBy(() -> RendererSettings.pool(config(p)))
                .hasMessageContaining("the pools may open 37 server connections")
                .hasMessageContaining(
                        "raise pgha.renderer.pool.max-connections (PostgreSQL's max_connections) to at" + " least 50");
    }

    @Test
    void maxClientConnBelowThePoolsAndImpossibleNumbersAreRefused() {
        Map<String, String> p = pooled();
        p.put("pgha.renderer.pool.max-client-conn", "10");
        p.put("pgha.renderer.pool.superuser-reserved-connections", "-1");
        assertThatThrownBy(() -> RendererSettings.pool(config(p)))
                .hasMessageContaining("pgha.renderer.pool.superuser-reserved-connections is -1, must be at least 0");
        p.put("pgha.renderer.pool.superuser-reserved-connections", "3");
        assertThatThrownBy(() -> RendererSettings.pool(config(p)))
                .hasMessageContaining("pgha.renderer.pool.max-client-conn 10 is lower than the 36 server connections"
                        + " one PgBouncer may open")
                .hasMessageContaining("raise pgha.renderer.pool.max-client-conn to at least 36");
    }

    @Test
    void aPoolWithoutClusterOrFilesIsRefused() {
        Map<String, String> p = base();
        p.put("pgha.renderer.pool.enabled", "true");
        assertThatThrownBy(() -> RendererSettings.pool(config(p)))
                .hasMessageContaining("pgha.renderer.pool.cluster is not set")
                .hasMessageContaining("pgha.renderer.pool.config-path is not set")
                .hasMessageContaining("pgha.renderer.pool.auth-file is not set");
    }

    /**
     * {@link RendererConfig} answering from {@code properties} by each method's kebab-case name (or
     * {@code @WithName}), falling back to {@code @WithDefault}: SmallRye's own mapping needs ASM, which is
     * not on this module's test class path.
     */
    private static RendererConfig config(Map<String, String> properties) {
        return proxy(RendererConfig.class, "pgha.renderer.", properties);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, String prefix, Map<String, String> properties) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return type.getSimpleName();
                    }
                    WithName named = method.getAnnotation(WithName.class);
                    String key = prefix
                            + (named != null
                                    ? named.value()
                                    : method.getName()
                                            .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                                            .toLowerCase());
                    Class<?> returns = method.getReturnType();
                    if (returns == Map.class) {
                        Map<String, Object> clusters = new java.util.TreeMap<>();
                        properties.keySet().stream()
                                .filter(k -> k.startsWith(key + "."))
                                .map(k -> k.substring(key.length() + 1, k.indexOf('.', key.length() + 1)))
                                .forEach(name -> clusters.put(
                                        name, proxy(RendererConfig.Cluster.class, key + "." + name + ".", properties)));
                        return clusters;
                    }
                    if (returns.isInterface() && returns != List.class) {
                        return proxy(returns, key + ".", properties);
                    }
                    String value = properties.get(key);
                    if (value == null && method.getAnnotation(WithDefault.class) != null) {
                        value = method.getAnnotation(WithDefault.class).value();
                    }
                    if (returns == Optional.class) {
                        return Optional.ofNullable(value).map(v -> convert(optionalOf(method), v));
                    }
                    if (value == null) {
                        throw new java.util.NoSuchElementException(key);
                    }
                    return convert(returns, value);
                });
    }

    private static Class<?> optionalOf(java.lang.reflect.Method method) {
        java.lang.reflect.Type arg =
                ((java.lang.reflect.ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[0];
        return (Class<?>) arg;
    }

    private static Object convert(Class<?> type, String value) {
        if (type == int.class) {
            return Integer.parseInt(value);
        }
        if (type == boolean.class) {
            return Boolean.parseBoolean(value);
        }
        if (type == Duration.class) {
            return value.endsWith("ms")
                    ? Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)))
                    : value.endsWith("m")
                            ? Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)))
                            : Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        if (type == Path.class) {
            return Path.of(value);
        }
        if (type == List.class) {
            return List.of(value.split(","));
        }
        return value;
    }
}
