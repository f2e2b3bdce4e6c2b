package io.pgha.agent;

import io.pgha.local.ServiceSmokeChecks;

/** The built node-agent starts, serves /q/health and /q/metrics, and stops without leftovers. */
class NodeAgentSmokeIT extends ServiceSmokeChecks {}
