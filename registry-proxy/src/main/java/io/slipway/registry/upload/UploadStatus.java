package io.slipway.registry.upload;

/**
 * The state of an upload session as the client sees it.
 *
 * @param id the session id, part of the upload URL
 * @param repository the repository the blob is being pushed to
 * @param offset number of bytes received so far
 */
public record UploadStatus(String id, String repository, long offset) {}
