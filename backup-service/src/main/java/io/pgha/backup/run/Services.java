package io.pgha.backup.run;

import io.pgha.backup.decide.BackupDue;
import io.pgha.backup.decide.RetentionPolicy;
import io.pgha.backup.etcd.BackupStore;
import io.pgha.events.PghaEvent;
import io.pgha.repository.Repository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What every cluster's runner shares: this instance's name, its lease, etcd, the repository, the
 * PostgreSQL tools and the checked settings.
 */
record Services(
        String name,
        LongSupplier lease,
        BackupStore store,
        Repository repository,
        String compression,
        boolean encrypted,
        PgTools tools,
        PrimarySql sql,
        Credentials replication,
        Path spool,
        Optional<String> maxRate,
        Duration basebackupTimeout,
        Duration walWait,
        Duration tick,
        Duration archiveProgressInterval,
        Duration heartbeatInterval,
        BackupDue.Schedule schedule,
        RetentionPolicy retention,
        Optional<Duration> drillInterval,
        Duration drillReplayTimeout,
        java.nio.file.Path binDir,
        String osUser,
        String superuser,
        Credentials superuserCredentials,
        Optional<Duration> dumpInterval,
        int dumpKeep,
        Duration dumpTimeout,
        int parallelism,
        Consumer<PghaEvent> events,
        Metrics metrics,
        Clock clock) {}
