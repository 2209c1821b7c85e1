package io.fwoa.server.storage;

import java.util.List;

/**
 * A page of history, newest first.
 *
 * @param versions the versions on this page
 * @param nextPageToken token for the next page, or null on the last page
 */
public record HistoryPage(List<StoredVersion> versions, String nextPageToken) {}
