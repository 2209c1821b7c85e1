package io.fwoa.server.storage;

import java.time.Instant;

/**
 * One committed version of a resource as storage keeps it: a JSON document plus the version
 * facts. Storage never interprets the JSON; the FHIR layer does.
 *
 * @param key the resource
 * @param versionId version number, from 1
 * @param lastUpdated when this version was written
 * @param deleted true for the tombstone a delete leaves (then {@code json} is null)
 * @param json the resource as FHIR JSON (with meta.versionId and meta.lastUpdated set), or null
 * @param method the HTTP method that produced this version (POST, PUT, PATCH or DELETE)
 * @param contentKey key of external content (Binary data in S3), or null
 */
public record StoredVersion(
    ResourceKey key,
    long versionId,
    Instant lastUpdated,
    boolean deleted,
    String json,
    String method,
    String contentKey) {}
