package io.pgha.monitor;

import io.pgha.local.ServiceSmokeChecks;

/** The built health-monitor starts, serves /q/health and /q/metrics, and stops without leftovers. */
class HealthMonitorSmokeIT extends ServiceSmokeChecks {}
