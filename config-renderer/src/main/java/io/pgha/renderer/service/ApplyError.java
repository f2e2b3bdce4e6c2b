package io.pgha.renderer.service;

import java.time.Instant;

/**
 * A topology or configuration that was not applied.
 *
 * @param cluster the cluster whose change was refused, or {@code *} when the whole file was
 * @param epoch the epoch of the refused topology (-1 when unknown)
 * @param stage where it was refused: {@code topology} (the renderer's own check), {@code validation}
 *     ({@code haproxy -c}), {@code reload} (HAProxy failed to load it) or {@code runtime}
 * @param reason what was wrong
 * @param at when
 */
public record ApplyError(String cluster, long epoch, String stage, String reason, Instant at) {}
