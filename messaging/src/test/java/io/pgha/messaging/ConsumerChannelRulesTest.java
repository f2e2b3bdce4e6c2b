package io.pgha.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerChannelRulesTest {
    @Test
    void aChannelOnAPghaTopicSetUpForDeadLettersPasses() {
        assertThat(ConsumerChannelRules.problems(Map.of(
                        "mp.messaging.incoming.health.connector", "smallrye-kafka",
                        "mp.messaging.incoming.health.topic", "pgha.node-health",
                        "mp.messaging.incoming.health.failure-strategy", "dead-letter-queue",
                        "mp.messaging.incoming.health.dead-letter-queue.topic", "pgha.node-health.dlq",
                        "mp.messaging.incoming.health.cloud-events", "false")))
                .isEmpty();
    }

    @Test
    void eachMissingSettingIsNamedWithTheValueItNeeds() {
        assertThat(ConsumerChannelRules.problems(Map.of(
                        "mp.messaging.incoming.topology.topic", "pgha.topology",
                        "mp.messaging.incoming.topology.dead-letter-queue.topic", "dead-letter-topic-topology")))
                .containsExactly(
                        "mp.messaging.incoming.topology.failure-strategy=dead-letter-queue is required for a channel"
                                + " on pgha.topology (it is not set)",
                        "mp.messaging.incoming.topology.dead-letter-queue.topic=pgha.topology.dlq is required for a"
                                + " channel on pgha.topology (it is 'dead-letter-topic-topology')",
                        "mp.messaging.incoming.topology.cloud-events=false is required for a channel on"
                                + " pgha.topology (it is not set)");
    }

    @Test
    void aChannelNamedLikeAPghaTopicCountsAndOtherChannelsAreLeftAlone() {
        assertThat(ConsumerChannelRules.problems(Map.of("mp.messaging.incoming.pgha.alerts.group.id", "g")))
                .isEmpty(); // "pgha" is the channel name here, not a topic of the contract
        assertThat(ConsumerChannelRules.problems(Map.of(
                        "mp.messaging.incoming.orders.topic", "orders",
                        "mp.messaging.incoming.mem.connector", "smallrye-in-memory",
                        "mp.messaging.incoming.mem.topic", "pgha.alerts")))
                .isEmpty();
    }

    @Test
    void aChannelOnSeveralTopicsNeedsTheStrategyAndRawBodiesButNoSingleDeadLetterTopic() {
        assertThat(ConsumerChannelRules.problems(Map.of(
                        "mp.messaging.incoming.in.topics", "pgha.node-health,pgha.topology",
                        "mp.messaging.incoming.in.failure-strategy", "dead-letter-queue",
                        "mp.messaging.incoming.in.cloud-events", "false")))
                .isEmpty();
        assertThat(ConsumerChannelRules.problems(Map.of("mp.messaging.incoming.in.topics", "orders, pgha.topology")))
                .containsExactly(
                        "mp.messaging.incoming.in.failure-strategy=dead-letter-queue is required for a channel on"
                                + " pgha.topology (it is not set)",
                        "mp.messaging.incoming.in.cloud-events=false is required for a channel on pgha.topology"
                                + " (it is not set)");
        assertThat(ConsumerChannelRules.problems(Map.of("mp.messaging.incoming.in.topics", "orders,payments")))
                .isEmpty();
    }
}
