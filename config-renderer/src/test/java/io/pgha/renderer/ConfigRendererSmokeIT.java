package io.pgha.renderer;

import io.pgha.local.ServiceSmokeChecks;

/** The built config-renderer starts, serves /q/health and /q/metrics, and stops without leftovers. */
class ConfigRendererSmokeIT extends ServiceSmokeChecks {}
