package io.pgha.coordinator;

import io.pgha.local.ServiceSmokeChecks;

/** The built failover-coordinator starts, serves /q/health and /q/metrics, and stops without leftovers. */
class FailoverCoordinatorSmokeIT extends ServiceSmokeChecks {}
