package io.pgha.backup.decide;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** A cron expression in Quartz syntax (seconds first, as Quarkus' scheduler reads it), in UTC. Pure. */
public final class CronSchedule {
    private static final CronParser PARSER =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final String expression;
    private final ExecutionTime times;

    private CronSchedule(String expression, ExecutionTime times) {
        this.expression = expression;
        this.times = times;
    }

    /** The expression parsed, or an IllegalArgumentException naming {@code property} and the syntax. */
    public static CronSchedule parse(String expression, String property) {
        try {
            return new CronSchedule(expression.strip(), ExecutionTime.forCron(PARSER.parse(expression.strip())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid setting " + property + ": '"
                    + expression.replaceAll("\\p{Cntrl}", "?") + "' is not a cron expression (" + e.getMessage()
                    + "); use Quartz syntax with seconds first, e.g. '0 0 2 * * ?' for 02:00 UTC every day");
        }
    }

    /** The first time after {@code t} that the expression names. */
    public Instant nextAfter(Instant t) {
        return times.nextExecution(ZonedDateTime.ofInstant(t, ZoneOffset.UTC))
                .map(ZonedDateTime::toInstant)
                .orElseThrow(() ->
                        new IllegalStateException("the cron expression '" + expression + "' names no time after " + t));
    }

    @Override
    public String toString() {
        return expression;
    }
}
