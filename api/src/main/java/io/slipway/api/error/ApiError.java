package io.slipway.api.error;

/**
 * The JSON body of every error response: {@code {"code": "UNAUTHORIZED", "message": "..."}}.
 *
 * @param code stable machine-readable code, in upper snake case
 * @param message what failed, on which value, and what to do about it
 */
public record ApiError(String code, String message) {}
