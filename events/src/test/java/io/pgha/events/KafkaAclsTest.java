package io.pgha.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.KafkaAcls.Binding;
import io.pgha.events.KafkaAcls.Operation;
import io.pgha.events.KafkaAcls.Resource;
import io.pgha.events.KafkaAcls.Subscription;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KafkaAclsTest {
    private static final List<Binding> SERVICES = KafkaAcls.forServices();

    @Test
    void onlyTheCoordinatorWritesTopologyAndElection() {
        for (String topic : List.of("pgha.topology", "pgha.election")) {
            assertThat(writers(topic)).as(topic).containsExactly("User:failover-coordinator");
        }
    }

    @Test
    void eachTopicIsWrittenOnlyByTheKindsProducersNames() {
        assertThat(writers("pgha.node-health")).containsExactly("User:health-monitor", "User:config-renderer");
        assertThat(writers("pgha.backup")).containsExactly("User:backup-service");
        assertThat(writers("pgha.alerts")).containsExactly("User:alert-service");
        for (Topic topic : Topics.ALL) {
            for (String writer : writers(topic.name())) {
                assertThat(KafkaAcls.allows(SERVICES, writer, Operation.DESCRIBE, topic.name()))
                        .isTrue();
            }
        }
    }

    @Test
    void consumersReadTheirTopicsUseTheirGroupsAndWriteOnlyTheirDeadLetterTopics() {
        String monitor = "User:health-monitor";
        assertThat(KafkaAcls.allows(SERVICES, monitor, Operation.READ, "pgha.topology"))
                .isTrue();
        assertThat(KafkaAcls.allows(SERVICES, monitor, Operation.WRITE, "pgha.topology.dlq"))
                .isTrue();
        assertThat(KafkaAcls.allows(SERVICES, monitor, Operation.READ, Resource.GROUP, "pgha-health-monitor"))
                .isTrue();
        assertThat(KafkaAcls.allows(SERVICES, monitor, Operation.READ, Resource.GROUP, "pgha-health-monitor-x"))
                .as("a literal group")
                .isFalse();
        assertThat(KafkaAcls.allows(SERVICES, monitor, Operation.READ, "pgha.alerts"))
                .isFalse();
        assertThat(KafkaAcls.allows(SERVICES, monitor, Operation.WRITE, "pgha.alerts.dlq"))
                .isFalse();
        String coordinator = "User:failover-coordinator";
        assertThat(KafkaAcls.allows(
                        SERVICES, coordinator, Operation.READ, Resource.GROUP, "pgha-coordinator-facts-fc-0"))
                .isTrue();
        assertThat(KafkaAcls.allows(SERVICES, coordinator, Operation.WRITE, "pgha.backup.dlq"))
                .isTrue();
        assertThat(KafkaAcls.allows(SERVICES, "User:alert-service", Operation.WRITE, "pgha.topology.dlq"))
                .isTrue();
        assertThat(KafkaAcls.allows(SERVICES, "User:backup-service", Operation.READ, "pgha.topology"))
                .as("backup-service consumes nothing")
                .isFalse();
    }

    @Test
    void noBindingIsPrefixedOnATopicOrNamesAnUnknownTopic() {
        List<String> known = new ArrayList<>();
        Topics.ALL.forEach(t -> {
            known.add(t.name());
            known.add(t.deadLetterTopic());
        });
        for (Binding binding : SERVICES) {
            if (binding.resource() == Resource.TOPIC) {
                assertThat(binding.match()).as(binding.toString()).isEqualTo(KafkaAcls.Match.LITERAL);
                assertThat(known).as(binding.toString()).contains(binding.name());
            }
        }
        assertThat(SERVICES).doesNotHaveDuplicates();
    }

    @Test
    void aReadOnlyPrincipalReadsEveryTopicInItsOwnGroupsAndWritesNothing() {
        List<Binding> reader = KafkaAcls.readOnly("analytics");
        for (Topic topic : Topics.ALL) {
            assertThat(KafkaAcls.allows(reader, "User:analytics", Operation.READ, topic.name()))
                    .isTrue();
            assertThat(KafkaAcls.allows(reader, "User:analytics", Operation.DESCRIBE, topic.name()))
                    .isTrue();
            assertThat(KafkaAcls.allows(reader, "User:analytics", Operation.READ, topic.deadLetterTopic()))
                    .isFalse();
        }
        assertThat(reader).noneMatch(b -> b.operation() == Operation.WRITE);
        assertThat(KafkaAcls.allows(reader, "User:analytics", Operation.READ, Resource.GROUP, "ext-analytics-dash"))
                .isTrue();
        assertThat(KafkaAcls.allows(reader, "User:analytics", Operation.READ, Resource.GROUP, "ext-billing-x"))
                .isFalse();
        assertThat(KafkaAcls.allows(reader, "User:analytics", Operation.READ, Resource.GROUP, "pgha-alert-a"))
                .isFalse();
    }

    @Test
    void aReadOnlyNameMustBePlainAndNotAPghaPrincipal() {
        assertThatThrownBy(() -> KafkaAcls.readOnly("failover-coordinator"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("taken by pgha");
        assertThatThrownBy(() -> KafkaAcls.readOnly("admin")).hasMessageContaining("taken by pgha");
        assertThatThrownBy(() -> KafkaAcls.readOnly("Bad Name")).hasMessageContaining("lower-case letters");
        assertThatThrownBy(() -> KafkaAcls.readOnly(null)).hasMessageContaining("lower-case letters");
    }

    /** What each service's application.properties reads must be what its Subscription grants. */
    @Test
    void subscriptionsMatchTheServicesIncomingChannels() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        for (Subscription subscription : KafkaAcls.SUBSCRIPTIONS) {
            Path file = root.resolve(subscription.service()).resolve("src/main/resources/application.properties");
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                props.load(reader);
            }
            List<String> topics = new ArrayList<>();
            for (String name : props.stringPropertyNames()) {
                Matcher channel = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.(topic|topics)")
                        .matcher(name);
                if (!channel.matches()) {
                    continue;
                }
                List<String> read = Arrays.stream(props.getProperty(name).split(","))
                        .map(String::trim)
                        .toList();
                topics.addAll(read);
                String group =
                        resolve(props, props.getProperty("mp.messaging.incoming." + channel.group(1) + ".group.id"));
                assertThat(KafkaAcls.allows(
                                SERVICES,
                                KafkaAcls.principal(subscription.service()),
                                Operation.READ,
                                Resource.GROUP,
                                group))
                        .as(file + ": group " + group)
                        .isTrue();
            }
            assertThat(topics)
                    .as(file + " reads")
                    .containsExactlyInAnyOrderElementsOf(
                            subscription.topics().stream().map(Topic::name).toList());
        }
    }

    private static List<String> writers(String topic) {
        return SERVICES.stream()
                .filter(b ->
                        b.resource() == Resource.TOPIC && b.name().equals(topic) && b.operation() == Operation.WRITE)
                .map(Binding::principal)
                .toList();
    }

    /** Expands {@code ${name}} and {@code ${name:default}} from {@code props}, the default, or {@code local}. */
    private static String resolve(Properties props, String value) {
        String current = value;
        for (int i = 0; i < 5 && current.contains("${"); i++) {
            int start = current.indexOf("${");
            int depth = 0;
            int end = start;
            for (int j = start; j < current.length(); j++) {
                if (current.startsWith("${", j)) {
                    depth++;
                    j++;
                } else if (current.charAt(j) == '}' && --depth == 0) {
                    end = j;
                    break;
                }
            }
            String inner = current.substring(start + 2, end);
            int colon = inner.indexOf(':');
            String name = colon < 0 ? inner : inner.substring(0, colon);
            String fallback = colon < 0 ? "local" : inner.substring(colon + 1);
            String replacement = props.getProperty(name, fallback);
            current = current.substring(0, start) + replacement + current.substring(end + 1);
        }
        return current;
    }
}
