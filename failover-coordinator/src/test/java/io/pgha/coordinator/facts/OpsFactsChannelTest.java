package io.pgha.coordinator.facts;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.messaging.ConsumerChannelRules;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The ops-facts channel reads both topics and sends what it cannot parse to the dead-letter topics. */
class OpsFactsChannelTest {
    @Test
    void theChannelReadsBackupAndAlertsAndDeadLettersBadRecords() throws IOException {
        Properties p = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        Map<String, String> config = new HashMap<>();
        p.stringPropertyNames().forEach(k -> config.put(k, p.getProperty(k)));
        assertThat(ConsumerChannelRules.problems(config)).isEmpty();
        assertThat(config.get("mp.messaging.incoming.ops-facts.topics")).isEqualTo("pgha.backup,pgha.alerts");
        assertThat(config.get("mp.messaging.incoming.ops-facts.failure-strategy"))
                .isEqualTo("dead-letter-queue");
        assertThat(config.get("mp.messaging.incoming.ops-facts.auto.offset.reset"))
                .isEqualTo("earliest");
    }
}
