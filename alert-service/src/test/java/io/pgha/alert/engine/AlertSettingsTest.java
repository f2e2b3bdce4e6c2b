package io.pgha.alert.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.alert.rules.AlertName;
import io.pgha.alert.rules.Thresholds;
import io.pgha.events.AlertEvent.Severity;
import io.smallrye.config.WithDefault;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** pgha.alert.* mapped onto the settings and Thresholds, without a running service. */
class AlertSettingsTest {
    @Test
    void theDefaultsAreTheShippedThresholds() {
        AlertSettings s = settings(Map.of("pgha.alert.name", "a1"));
        assertThat(s.thresholds()).isEqualTo(Thresholds.defaults());
        assertThat(s.evaluateInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.resendInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.replayWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.alertsReplayWindow()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void thresholdsSeveritiesAndTheRunbookBaseAreTaken() {
        AlertSettings s = settings(Map.of(
                "pgha.alert.name", "a1",
                "pgha.alert.member-down-for", "5s",
                "pgha.alert.lag-bytes-critical", "1000000000",
                "pgha.alert.severity.PghaMemberDown", "warning",
                "pgha.alert.runbook-base-url", "https://runbooks.example/pgha/"));
        assertThat(s.thresholds().memberDownFor()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.thresholds().lagBytesCritical()).isEqualTo(1_000_000_000L);
        assertThat(s.thresholds().severityOf(AlertName.PghaMemberDown)).isEqualTo(Severity.WARNING);
        assertThat(s.thresholds().runbookUrl(AlertName.PghaNoPrimary))
                .isEqualTo("https://runbooks.example/pgha/PghaNoPrimary.md");
    }

    @Test
    void everyBadValueIsNamedByItsProperty() {
        assertThatThrownBy(() -> settings(Map.of(
                        "pgha.alert.name", "a 1",
                        "pgha.alert.evaluate-interval", "0s",
                        "pgha.alert.member-down-for", "-1s",
                        "pgha.alert.severity.PghaMemberDwn", "warning",
                        "pgha.alert.severity.PghaNoPrimary", "loud")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pgha.alert.name: replica name 'a 1' is invalid")
                .hasMessageContaining("pgha.alert.evaluate-interval=PT0S must be longer than zero")
                .hasMessageContaining("pgha.alert.member-down-for is PT-1S")
                .hasMessageContaining("pgha.alert.severity.PghaMemberDwn: no alert is named PghaMemberDwn")
                .hasMessageContaining("pgha.alert.severity.PghaNoPrimary=loud: give critical, warning or info");
        assertThatThrownBy(() -> settings(Map.of(
                        "pgha.alert.name", "a1",
                        "pgha.alert.lag-bytes-warning", "500",
                        "pgha.alert.lag-bytes-critical", "100")))
                .hasMessageContaining("pgha.alert.lag-bytes-warning (500) is above lag-bytes-critical (100)");
    }

    /**
     * {@link AlertSettings#of} over an {@link AlertConfig} read from {@code properties}, each absent one
     * taking its {@code @WithDefault} (a proxy: SmallRye generates the real mapping at Quarkus build time).
     */
    private static AlertSettings settings(Map<String, String> properties) {
        AlertConfig config = (AlertConfig) Proxy.newProxyInstance(
                AlertConfig.class.getClassLoader(), new Class<?>[] {AlertConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("severity")) {
                        Map<String, String> severities = new TreeMap<>();
                        properties.forEach((k, v) -> {
                            if (k.startsWith("pgha.alert.severity.")) {
                                severities.put(k.substring("pgha.alert.severity.".length()), v);
                            }
                        });
                        return severities;
                    }
                    String property = "pgha.alert."
                            + method.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
                    String value = properties.getOrDefault(
                            property, method.getAnnotation(WithDefault.class).value());
                    return convert(value, method.getReturnType());
                });
        return AlertSettings.of(config);
    }

    private static Object convert(String value, Class<?> type) {
        if (type == Duration.class) {
            Matcher m = Pattern.compile("(-?\\d+)(ms|s|m|h)").matcher(value);
            if (!m.matches()) {
                return Duration.parse(value);
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else if (type == long.class) {
            return Long.parseLong(value);
        } else if (type == double.class) {
            return Double.parseDouble(value);
        }
        return value;
    }
}
