package io.pgha.events;

/**
 * One Kafka topic of the public contract: its name, the event stream it carries, the form of its
 * record keys and its cleanup policy. The constants are in {@link Topics}.
 *
 * @param name the topic name, e.g. {@code pgha.node-health}
 * @param stream the sealed interface whose records it carries
 * @param keyForm how the record key is built, e.g. {@code <cluster>/<member>}
 * @param cleanupPolicy {@code delete} (time retention) or {@code compact} (latest per key kept)
 */
public record Topic(String name, Class<? extends PghaEvent> stream, String keyForm, CleanupPolicy cleanupPolicy) {
    /** Kafka's {@code cleanup.policy}. */
    public enum CleanupPolicy {
        /** Records are deleted after the retention time. */
        DELETE,
        /** Kafka keeps at least the latest record of every key. */
        COMPACT;

        /** The value of Kafka's {@code cleanup.policy} topic setting. */
        public String kafkaValue() {
            return name().toLowerCase();
        }
    }

    /** The dead-letter topic for records of this topic that a consumer could not parse. */
    public String deadLetterTopic() {
        return name + ".dlq";
    }

    @Override
    public String toString() {
        return name;
    }
}
