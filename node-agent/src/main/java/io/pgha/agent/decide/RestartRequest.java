package io.pgha.agent.decide;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /restart} as Patroni 4 reads it, and whether it applies to this member. A
 * pure function: the caller passes what it observed (role, server version, pending restart, now).
 *
 * <ul>
 *   <li>{@code restart_pending}: restart only while PostgreSQL has a setting waiting for a restart
 *       (Patroni counts the key's mere presence, even {@code false}; pgha honours {@code false});
 *   <li>{@code role}: restart only a member of that role: {@code primary} (or Patroni's old {@code
 *       master}), {@code replica}, {@code standby_leader} (or {@code standby-leader}; pgha has no
 *       standby clusters, so it never matches);
 *   <li>{@code postgres_version}: restart only while the running version is lower ({@code X.Y} from
 *       10 on, {@code X.Y.Z} before);
 *   <li>{@code timeout}: how long PostgreSQL gets to accept connections after the start (seconds, or
 *       {@code 30s}, {@code 2min}, ...); overrides {@code primary_start_timeout};
 *   <li>{@code schedule}: an ISO-8601 timestamp with an offset: the restart is stored and carried out
 *       by the agent's loop then ({@link ScheduledRestart}).
 * </ul>
 *
 * @param restartPending only while a restart is pending
 * @param role the role asked for ({@code primary}, {@code replica} or {@code standby_leader})
 * @param postgresVersion the version as given
 * @param timeout the start timeout
 * @param schedule when to restart
 */
public record RestartRequest(
        boolean restartPending,
        Optional<String> role,
        Optional<String> postgresVersion,
        Optional<Duration> timeout,
        Optional<OffsetDateTime> schedule) {

    /** The options, in Patroni's names. */
    public static final List<String> FIELDS =
            List.of("restart_pending", "role", "postgres_version", "timeout", "schedule");

    /** An unconditional restart, now. */
    public static final RestartRequest NOW =
            new RestartRequest(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    private static final Pattern VERSION = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})(?:\\.(\\d{1,3}))?");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|min|h|d)?");
    private static final DateTimeFormatter SCHEDULE = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .optionalEnd()
            .optionalStart()
            .appendLiteral(' ')
            .optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart()
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HH:mm", "Z")
            .optionalEnd()
            .toFormatter(Locale.ROOT);

    /**
     * What the body asks for, or why it is refused.
     *
     * @param request the request, when {@code status} is 0
     * @param status 0 when it may be carried out; else Patroni's answer: 400 for a bad field (and a
     *     schedule without an offset), 422 for a schedule that cannot be read or lies in the past
     * @param error what is wrong, naming the field and what is allowed
     */
    public record Parsed(RestartRequest request, int status, String error) {
        public boolean ok() {
            return status == 0;
        }

        static Parsed refused(int status, String error) {
            return new Parsed(null, status, "POST /restart: " + error);
        }
    }

    /** Reads {@code body} (empty, or a JSON object of options) as seen at {@code now}. */
    public static Parsed parse(String body, Instant now) {
        if (body == null || body.isBlank()) {
            return new Parsed(NOW, 0, null);
        }
        JsonNode node;
        try {
            node = Json.MAPPER
                    .reader()
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(body);
        } catch (Exception e) {
            return Parsed.refused(
                    400,
                    "the body is not valid JSON ("
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                            + "); send an empty body or a JSON object with " + String.join(", ", FIELDS));
        }
        if (node == null || !node.isObject()) {
            return Parsed.refused(
                    400,
                    "the body must be empty or a JSON object with " + String.join(", ", FIELDS) + ", got "
                            + (node == null
                                    ? "nothing"
                                    : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        boolean pending = false;
        Optional<String> role = Optional.empty();
        Optional<String> version = Optional.empty();
        Optional<Duration> timeout = Optional.empty();
        Optional<OffsetDateTime> schedule = Optional.empty();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "restart_pending" -> {
                    Optional<Boolean> b = bool(value);
                    if (b.isEmpty()) {
                        return Parsed.refused(400, "restart_pending must be true or false, got " + shown(value));
                    }
                    pending = b.get();
                }
                case "role" -> {
                    Optional<String> r = value.isTextual() ? role(value.asText()) : Optional.empty();
                    if (r.isEmpty()) {
                        return Parsed.refused(
                                400,
                                "role must be primary (or master), replica or standby_leader, got " + shown(value));
                    }
                    role = r;
                }
                case "postgres_version" -> {
                    String text = value.isTextual() || value.isNumber() ? value.asText() : "";
                    if (versionNumber(text).isEmpty()) {
                        return Parsed.refused(
                                400,
                                "postgres_version must be X.Y (10 and later, e.g. 15.4) or X.Y.Z (before 10)," + " got "
                                        + shown(value));
                    }
                    version = Optional.of(text);
                }
                case "timeout" -> {
                    Optional<Duration> t = duration(value);
                    if (t.isEmpty() || t.get().isZero()) {
                        return Parsed.refused(
                                400,
                                "timeout must be a positive number of seconds (or 30s, 2min, 1h), got " + shown(value));
                    }
                    timeout = t;
                }
                case "schedule" -> {
                    if (!value.isTextual()) {
                        return Parsed.refused(
                                422, "schedule must be an ISO-8601 timestamp with an offset, got " + shown(value));
                    }
                    TemporalAccessor parsed;
                    try {
                        parsed = SCHEDULE.parse(value.asText().strip());
                    } catch (DateTimeParseException e) {
                        return Parsed.refused(
                                422,
                                "schedule: unable to parse " + shown(value)
                                        + ": it should be an ISO-8601 timestamp with an offset, e.g."
                                        + " 2026-12-02T14:30:00+00:00");
                    }
                    if (!parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
                        return Parsed.refused(
                                400,
                                "schedule: timezone information is mandatory for the scheduled restart (e.g."
                                        + " +00:00 or Z), got " + shown(value));
                    }
                    OffsetDateTime at = OffsetDateTime.from(parsed);
                    if (at.toInstant().isBefore(now)) {
                        return Parsed.refused(422, "schedule: cannot schedule restart in the past (" + at + ")");
                    }
                    schedule = Optional.of(at);
                }
                default -> {
                    return Parsed.refused(
                            400,
                            "unknown filter for the scheduled restart: " + shown(field.getKey()) + " (the options are "
                                    + String.join(", ", FIELDS) + ")");
                }
            }
        }
        return new Parsed(new RestartRequest(pending, role, version, timeout, schedule), 0, null);
    }

    /**
     * Why this request does not apply to a member that runs as {@code memberRole} ({@code primary},
     * {@code replica}, or anything else for a stopped one), PostgreSQL {@code serverVersion} (e.g.
     * 150010; 0 unknown), {@code pendingRestart}; empty when it applies (Patroni's {@code
     * restart_matches}).
     */
    public Optional<String> unmet(String memberRole, int serverVersion, boolean pendingRestart) {
        if (role.isPresent() && !role.get().equals(memberRole)) {
            return Optional.of("host role mismatch (this member is " + memberRole + ", not " + role.get() + ")");
        }
        if (postgresVersion.isPresent() && versionNumber(postgresVersion.get()).orElse(0) <= serverVersion) {
            return Optional.of("postgres version mismatch (running " + serverVersion + ", not lower than "
                    + postgresVersion.get() + ")");
        }
        if (restartPending && !pendingRestart) {
            return Optional.of("pending restart flag is not set");
        }
        return Optional.empty();
    }

    /** The same request without its schedule: what is carried out once it is due. */
    public RestartRequest now() {
        return new RestartRequest(restartPending, role, postgresVersion, timeout, Optional.empty());
    }

    /** Patroni's {@code scheduled_restart} shape: {@code schedule} and the filters that were given. */
    public Map<String, Object> patroniShape() {
        Map<String, Object> m = new LinkedHashMap<>();
        schedule.ifPresent(at -> m.put("schedule", at.toString()));
        if (restartPending) {
            m.put("restart_pending", true);
        }
        role.ifPresent(r -> m.put("role", r));
        postgresVersion.ifPresent(v -> m.put("postgres_version", v));
        timeout.ifPresent(t -> m.put("timeout", t.toSeconds()));
        return m;
    }

    /** PostgreSQL's version number for {@code X.Y} (10 on) or {@code X.Y.Z} (before 10), as server_version_num. */
    public static Optional<Integer> versionNumber(String text) {
        Matcher m = VERSION.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        int major = Integer.parseInt(m.group(1));
        int second = Integer.parseInt(m.group(2));
        if (m.group(3) == null) {
            return major < 10 ? Optional.empty() : Optional.of(major * 10000 + second);
        }
        int third = Integer.parseInt(m.group(3));
        return major >= 10 ? Optional.empty() : Optional.of(major * 10000 + second * 100 + third);
    }

    private static Optional<String> role(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "primary", "master" -> Optional.of("primary");
            case "replica" -> Optional.of("replica");
            case "standby_leader", "standby-leader" -> Optional.of("standby_leader");
            default -> Optional.empty();
        };
    }

    private static Optional<Boolean> bool(JsonNode value) {
        if (value.isBoolean()) {
            return Optional.of(value.asBoolean());
        }
        if (value.isTextual()) {
            // Patroni's parse_bool: its own feature files send "True"
            return switch (value.asText().strip().toLowerCase(Locale.ROOT)) {
                case "true", "on", "yes", "1" -> Optional.of(true);
                case "false", "off", "no", "0" -> Optional.of(false);
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    private static Optional<Duration> duration(JsonNode value) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.asLong() >= 0 ? Optional.of(Duration.ofSeconds(value.asLong())) : Optional.empty();
        }
        if (!value.isTextual()) {
            return Optional.empty();
        }
        Matcher m = DURATION.matcher(value.asText().strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d =
                switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "min" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofSeconds(n);
                };
        // Patroni rounds to whole seconds; less than one is no timeout at all
        return Optional.of(Duration.ofSeconds(d.toSeconds()));
    }

    private static String shown(JsonNode value) {
        return shown(value.toString());
    }

    private static String shown(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
