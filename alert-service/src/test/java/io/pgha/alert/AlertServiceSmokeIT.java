package io.pgha.alert;

import io.pgha.local.ServiceSmokeChecks;

/** The built alert-service starts, serves /q/health and /q/metrics, and stops without leftovers. */
class AlertServiceSmokeIT extends ServiceSmokeChecks {}
