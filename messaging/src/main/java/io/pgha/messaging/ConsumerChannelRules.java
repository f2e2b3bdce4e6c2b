package io.pgha.messaging;

import io.pgha.events.Topic;
import io.pgha.events.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The settings every incoming channel on a pgha topic must have so that a record it cannot parse
 * goes to {@code <topic>.dlq} and the channel carries on: a pure check over the configuration.
 */
public final class ConsumerChannelRules {
    static final String PREFIX = "mp.messaging.incoming.";

    private ConsumerChannelRules() {}

    /**
     * What is wrong, one line per property, naming the property and the value it must have; empty
     * when every channel on a pgha topic is set up right.
     *
     * @param config every configuration property (name to value)
     */
    public static List<String> problems(Map<String, String> config) {
        TreeSet<String> channels = new TreeSet<>();
        for (String name : config.keySet()) {
            if (name.startsWith(PREFIX) && name.indexOf('.', PREFIX.length()) > 0) {
                channels.add(name.substring(PREFIX.length(), name.indexOf('.', PREFIX.length())));
            }
        }
        List<String> problems = new ArrayList<>();
        for (String channel : channels) {
            String prefix = PREFIX + channel + ".";
            String connector = config.getOrDefault(prefix + "connector", "smallrye-kafka");
            if (!connector.equals("smallrye-kafka")) {
                continue;
            }
            if (config.containsKey(prefix + "topics")) {
                severalTopics(config, prefix, problems);
                continue;
            }
            Optional<Topic> topic = Topics.named(config.getOrDefault(prefix + "topic", channel));
            if (topic.isEmpty()) {
                continue;
            }
            require(config, prefix + "failure-strategy", "dead-letter-queue", topic.get(), problems);
            require(config, prefix + "dead-letter-queue.topic", topic.get().deadLetterTopic(), topic.get(), problems);
            require(config, prefix + "cloud-events", "false", topic.get(), problems);
        }
        return problems;
    }

    /**
     * A channel reading several topics ({@code topics=a,b}): IncomingEvents names each record's own
     * {@code <topic>.dlq} when it nacks, so only the strategy and the raw body are required.
     */
    private static void severalTopics(Map<String, String> config, String prefix, List<String> problems) {
        Optional<Topic> first = Arrays.stream(config.get(prefix + "topics").split(","))
                .map(String::trim)
                .map(Topics::named)
                .flatMap(Optional::stream)
                .findFirst();
        if (first.isPresent()) {
            require(config, prefix + "failure-strategy", "dead-letter-queue", first.get(), problems);
            require(config, prefix + "cloud-events", "false", first.get(), problems);
        }
    }

    private static void require(
            Map<String, String> config, String property, String expected, Topic topic, List<String> problems) {
        String actual = config.get(property);
        if (!expected.equals(actual)) {
            problems.add(property + "=" + expected + " is required for a channel on " + topic.name() + " (it is "
                    + (actual == null ? "not set" : "'" + actual + "'") + ")");
        }
    }
}
