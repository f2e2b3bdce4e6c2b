package io.pgha.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may do what on pgha's Kafka topics, as a pure function: the ACL bindings a secured broker gets.
 * Writes follow {@link Producers} (the one table of which service kind publishes which event type);
 * reads, consumer groups and dead-letter writes follow {@link #SUBSCRIPTIONS} (what each service's
 * incoming channels read, checked against its application.properties by a test). Every pgha service
 * authenticates as {@code User:<service>} (the service kind, e.g. {@code User:failover-coordinator}).
 */
public final class KafkaAcls {
    /** The Kafka resource a binding is on. */
    public enum Resource {
        TOPIC,
        GROUP
    }

    /** How the resource name matches: exactly, or as a prefix. */
    public enum Match {
        LITERAL,
        PREFIXED
    }

    /** The operations pgha grants (READ and WRITE imply DESCRIBE in Kafka; DESCRIBE is granted explicitly). */
    public enum Operation {
        READ,
        WRITE,
        DESCRIBE
    }

    /**
     * One allow rule: {@code principal} may do {@code operation} on the {@code resource} named (or
     * prefixed, per {@code match}) {@code name}, from any host.
     */
    public record Binding(String principal, Resource resource, String name, Match match, Operation operation) {
        @Override
        public String toString() {
            return principal + " " + operation + " " + resource + ":" + match + ":" + name;
        }
    }

    /**
     * What one service consumes: the topics its incoming channels read and the consumer-group id
     * prefix they all share ({@code groupPrefix}; {@code literal} when the group id is exactly it).
     */
    public record Subscription(String service, List<Topic> topics, String groupPrefix, boolean literal) {}

    /** The principal of the super user that formats the broker, creates topics and applies these ACLs. */
    public static final String ADMIN = "admin";

    /** The prefix of every consumer group a read-only principal may use: {@code ext-<name>-}. */
    public static final String EXTERNAL_GROUP_PREFIX = "ext-";

    /** Every pgha service that consumes, with what it reads (the group ids of its application.properties). */
    public static final List<Subscription> SUBSCRIPTIONS = List.of(
            new Subscription(
                    Producers.FAILOVER_COORDINATOR,
                    List.of(Topics.NODE_HEALTH, Topics.BACKUP, Topics.ALERTS),
                    "pgha-coordinator-",
                    false),
            new Subscription(Producers.HEALTH_MONITOR, List.of(Topics.TOPOLOGY), "pgha-health-monitor", true),
            new Subscription(
                    Producers.CONFIG_RENDERER, List.of(Topics.TOPOLOGY, Topics.ELECTION), "config-renderer-", false),
            new Subscription(Producers.ALERT_SERVICE, Topics.ALL, "pgha-alert-", false));

    private static final Pattern READER_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private KafkaAcls() {}

    /** {@code User:<name>}, the Kafka principal of a SASL user. */
    public static String principal(String name) {
        return "User:" + name;
    }

    /** Every service that talks to Kafka (publishes or consumes), in a fixed order. */
    public static List<String> services() {
        Set<String> services = new LinkedHashSet<>(Producers.kinds());
        SUBSCRIPTIONS.forEach(s -> services.add(s.service()));
        return List.copyOf(services);
    }

    /**
     * The bindings of every pgha service: WRITE and DESCRIBE on the topics its kind publishes (per
     * {@link Producers#of(Topic)}); READ and DESCRIBE on the topics it consumes and READ on its
     * consumer groups; WRITE and DESCRIBE on the {@code <topic>.dlq} of every topic it consumes (where
     * its channels dead-letter). Nothing else: no service may write another kind's topic.
     */
    public static List<Binding> forServices() {
        Map<String, List<Binding>> byService = new LinkedHashMap<>();
        services().forEach(service -> byService.put(service, new ArrayList<>()));
        for (Topic topic : Topics.ALL) {
            for (String kind : Producers.of(topic)) {
                List<Binding> bindings = byService.get(kind);
                bindings.add(topic(kind, topic.name(), Operation.WRITE));
                bindings.add(topic(kind, topic.name(), Operation.DESCRIBE));
            }
        }
        for (Subscription subscription : SUBSCRIPTIONS) {
            List<Binding> bindings = byService.get(subscription.service());
            for (Topic topic : subscription.topics()) {
                bindings.add(topic(subscription.service(), topic.name(), Operation.READ));
                bindings.add(topic(subscription.service(), topic.name(), Operation.DESCRIBE));
            }
            bindings.add(new Binding(
                    principal(subscription.service()),
                    Resource.GROUP,
                    subscription.groupPrefix(),
                    subscription.literal() ? Match.LITERAL : Match.PREFIXED,
                    Operation.READ));
            for (Topic topic : subscription.topics()) {
                bindings.add(topic(subscription.service(), topic.deadLetterTopic(), Operation.WRITE));
                bindings.add(topic(subscription.service(), topic.deadLetterTopic(), Operation.DESCRIBE));
            }
        }
        List<Binding> all = new ArrayList<>();
        byService.values().forEach(all::addAll);
        return List.copyOf(new LinkedHashSet<>(all));
    }

    /**
     * The bindings of a read-only principal {@code User:<name>} for another team: READ and DESCRIBE
     * on every topic of the contract (not the dead-letter topics) and READ on consumer groups named
     * {@code ext-<name>-...}. It can write nothing.
     *
     * @throws IllegalArgumentException when {@code name} is not lower-case letters, digits and
     *     {@code -}, or is the name of a pgha service or of the admin
     */
    public static List<Binding> readOnly(String name) {
        if (name == null || !READER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("read-only principal name '" + name
                    + "' must be lower-case letters, digits and '-' (at most 63), starting with a letter or digit");
        }
        if (name.equals(ADMIN) || services().contains(name)) {
            throw new IllegalArgumentException("read-only principal name '" + name + "' is taken by pgha (" + ADMIN
                    + " or a service): choose another, e.g. the team's name");
        }
        List<Binding> bindings = new ArrayList<>();
        for (Topic topic : Topics.ALL) {
            bindings.add(topic(name, topic.name(), Operation.READ));
            bindings.add(topic(name, topic.name(), Operation.DESCRIBE));
        }
        bindings.add(new Binding(
                principal(name), Resource.GROUP, readOnlyGroupPrefix(name), Match.PREFIXED, Operation.READ));
        return List.copyOf(bindings);
    }

    /** The consumer-group prefix of read-only principal {@code name}: {@code ext-<name>-}. */
    public static String readOnlyGroupPrefix(String name) {
        return EXTERNAL_GROUP_PREFIX + name + "-";
    }

    /** True when {@code bindings} let {@code principal} do {@code operation} on topic {@code topic}. */
    public static boolean allows(List<Binding> bindings, String principal, Operation operation, String topic) {
        return allows(bindings, principal, operation, Resource.TOPIC, topic);
    }

    /** True when {@code bindings} let {@code principal} do {@code operation} on {@code resource} {@code name}. */
    public static boolean allows(
            List<Binding> bindings, String principal, Operation operation, Resource resource, String name) {
        return bindings.stream()
                .anyMatch(b -> b.principal().equals(principal)
                        && b.operation() == operation
                        && b.resource() == resource
                        && (b.match() == Match.LITERAL ? b.name().equals(name) : name.startsWith(b.name())));
    }

    private static Binding topic(String name, String topic, Operation operation) {
        return new Binding(principal(name), Resource.TOPIC, topic, Match.LITERAL, operation);
    }
}
