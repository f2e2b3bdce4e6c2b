package io.pgha.backup;

import io.pgha.local.ServiceSmokeChecks;

/** The built backup-service starts, serves /q/health and /q/metrics, and stops without leftovers. */
class BackupServiceSmokeIT extends ServiceSmokeChecks {}
