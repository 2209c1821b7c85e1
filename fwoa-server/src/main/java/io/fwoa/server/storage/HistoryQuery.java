package io.fwoa.server.storage;

import java.time.Instant;

/**
 * A history request: all versions of one resource ({@code type} and {@code id} set), of one type
 * ({@code type} set), or of the whole server (neither set), newest first.
 *
 * @param tenant tenant, or null
 * @param type resource type, or null for system history
 * @param id logical id, or null for type/system history
 * @param since only versions updated at or after this instant, or null
 * @param count page size
 * @param pageToken opaque token from a previous page, or null for the first page
 */
public record HistoryQuery(String tenant, String type, String id, Instant since, int count, String pageToken) {}
