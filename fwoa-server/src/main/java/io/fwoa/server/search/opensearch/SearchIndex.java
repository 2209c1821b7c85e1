package io.fwoa.server.search.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.search.index.Mappings;
import jakarta.json.stream.JsonParser;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.opensearch.client.json.JsonpDeserializer;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.MgetResponse;
import org.opensearch.client.opensearch.core.SearchRequest;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.OpenSearchTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fwoa's use of OpenSearch, through opensearch-java: per-type indexes behind aliases (created on
 * first write from the generated mappings), bulk writes, searches and multi-gets. Query bodies are
 * built as JSON (the query DSL itself) and handed to the typed client.
 *
 * <p>Writes that must be visible to the next search (fwoa:run, tests) are not refreshed one bulk
 * request at a time: the indexes they touched are refreshed when a search is about to run, once
 * for all the writes made since (an ingest that does not search refreshes nothing). Multi-gets
 * read the translog and need no refresh.
 */
public final class SearchIndex implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SearchIndex.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final OpenSearchClient client;
  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  /** Indexes with writes that no refresh has made searchable yet. */
  private final Set<String> unrefreshed = ConcurrentHashMap.newKeySet();
  /** Bulk requests whose writes must be searchable, counted when they have been added above. */
  private final AtomicLong writes = new AtomicLong();
  /** How many of those writes the last refresh covers. */
  private volatile long refreshedWrites;
  private final Object refreshing = new Object();

  public SearchIndex(OpenSearchTransport transport) {
    this.client = new OpenSearchClient(transport);
  }

  public OpenSearchClient client() {
    return client;
  }

  public JsonpMapper mapper() {
    return client._transport().jsonpMapper();
  }

  /**
   * Makes sure the type's alias exists, creating its index (generated settings and mapping) when
   * it does not. Safe to race: another writer creating it first is fine.
   */
  public void ensureIndex(String resourceType) {
    if (ready.contains(resourceType)) {
      return;
    }
    String alias = Mappings.alias(resourceType);
    try {
      if (!client.indices().existsAlias(a -> a.name(alias)).value()) {
        ObjectNode body = MAPPER.createObjectNode();
        body.set("settings", Mappings.settings());
        body.set("mappings", Mappings.mappings(resourceType));
        body.putObject("aliases").putObject(alias).put("is_write_index", true);
        String index = Mappings.index(resourceType);
        try (Response r = client.generic().execute(Requests.builder().method("PUT").endpoint("/" + index + "?wait_for_active_shards=0")
            .json(body.toString()).build())) {
          if (r.getStatus() >= 300) {
            String error = r.getBody().map(b -> new String(b.bodyAsBytes(), StandardCharsets.UTF_8)).orElse("");
            if (!error.contains("resource_already_exists_exception")) {
              throw new SearchUnavailableException("Creating index " + index + " failed (" + r.getStatus() + "): "
                  + error);
            }
          } else {
            LOG.info("Created search index {} with alias {}", index, alias);
          }
        }
      }
      ready.add(resourceType);
    } catch (IOException e) {
      throw new SearchUnavailableException("OpenSearch is not reachable: " + e.getMessage(), e);
    }
  }

  /** Forgets which indexes exist (after one was deleted behind our back). */
  public void forget(String resourceType) {
    ready.remove(resourceType);
  }

  /**
   * Sends a bulk request.
   *
   * @param refresh make the writes visible to every later {@link #search} through this object
   */
  public BulkResponse bulk(List<BulkOperation> operations, boolean refresh) {
    try {
      BulkResponse response = client.bulk(b -> b.operations(operations).refresh(Refresh.False));
      if (refresh) {
        for (BulkResponseItem item : response.items()) {
          unrefreshed.add(item.index());
        }
        writes.incrementAndGet(); // after the indexes are listed: a refresh that counts it sees them
      }
      return response;
    } catch (IOException e) {
      throw new SearchUnavailableException("OpenSearch bulk request failed: " + e.getMessage(), e);
    } catch (OpenSearchException e) {
      throw new SearchUnavailableException("OpenSearch refused the bulk request: " + e.getMessage(), e);
    }
  }

  public MgetResponse<ObjectNode> mget(String index, List<String> ids, List<String> sourceIncludes) {
    try {
      return client.mget(m -> {
        m.index(index).ids(ids);
        if (sourceIncludes != null) {
          m.sourceIncludes(sourceIncludes);
        }
        return m;
      }, ObjectNode.class);
    } catch (IOException e) {
      throw new SearchUnavailableException("OpenSearch is not reachable: " + e.getMessage(), e);
    } catch (OpenSearchException e) {
      if (e.status() == 404) {
        return MgetResponse.of(r -> r.docs(List.of()));
      }
      throw new SearchUnavailableException("OpenSearch refused a multi-get: " + e.getMessage(), e);
    }
  }

  /**
   * Runs a search whose body is given as query DSL JSON (query, sort, size, search_after,
   * track_total_hits, _source, aggs). Missing indexes count as empty.
   */
  public SearchResponse<ObjectNode> search(List<String> indexes, ObjectNode body) {
    refreshWrites();
    SearchRequest request = typed(MAPPER.createObjectNode().setAll(body), SearchRequest._DESERIALIZER);
    SearchRequest withIndex = SearchRequest.of(b -> {
      copy(request, b);
      return b.index(indexes).ignoreUnavailable(true).allowNoIndices(true);
    });
    try {
      return client.search(withIndex, ObjectNode.class);
    } catch (IOException e) {
      throw new SearchUnavailableException("OpenSearch is not reachable: " + e.getMessage(), e);
    } catch (OpenSearchException e) {
      if (e.status() == 400) {
        LOG.warn("OpenSearch rejected a query: {} {}", e.getMessage(), body);
        throw io.fwoa.server.api.FhirException.badRequest("The search could not be run: " + e.getMessage());
      }
      throw new SearchUnavailableException("OpenSearch search failed: " + e.getMessage(), e);
    }
  }

  /**
   * Refreshes the indexes written to since the last refresh, unless a refresh that began after
   * every write made so far has finished. Searches that arrive during a refresh wait for it and
   * then share the next one: one refresh serves every search waiting, not one each.
   */
  private void refreshWrites() {
    long needed = writes.get();
    if (refreshedWrites >= needed) {
      return;
    }
    synchronized (refreshing) {
      if (refreshedWrites >= needed) {
        return;
      }
      long covered = writes.get(); // read before the indexes: each write it counts is listed
      List<String> indexes = new ArrayList<>(unrefreshed);
      unrefreshed.removeAll(indexes);
      if (!indexes.isEmpty()) {
        try {
          client.indices().refresh(r -> r.index(indexes).ignoreUnavailable(true).allowNoIndices(true));
        } catch (IOException | OpenSearchException e) {
          unrefreshed.addAll(indexes);
          throw new SearchUnavailableException("OpenSearch could not refresh " + indexes + ": " + e.getMessage(), e);
        }
      }
      refreshedWrites = covered;
    }
  }

  private static void copy(SearchRequest r, SearchRequest.Builder b) {
    if (r.query() != null) {
      b.query(r.query());
    }
    if (!r.sort().isEmpty()) {
      b.sort(r.sort());
    }
    if (r.size() != null) {
      b.size(r.size());
    }
    if (!r.searchAfter().isEmpty()) {
      b.searchAfter(r.searchAfter());
    }
    if (r.trackTotalHits() != null) {
      b.trackTotalHits(r.trackTotalHits());
    }
    if (r.source() != null) {
      b.source(r.source());
    }
    if (!r.aggregations().isEmpty()) {
      b.aggregations(r.aggregations());
    }
    if (r.collapse() != null) {
      b.collapse(r.collapse());
    }
  }

  /** A typed request object from its JSON form. */
  public <T> T typed(JsonNode json, JsonpDeserializer<T> deserializer) {
    JsonpMapper mapper = mapper();
    try (JsonParser parser = mapper.jsonProvider().createParser(new StringReader(json.toString()))) {
      return deserializer.deserialize(parser, mapper);
    }
  }

  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      client._transport().close();
    } catch (IOException e) {
      // closing
    }
  }
}
