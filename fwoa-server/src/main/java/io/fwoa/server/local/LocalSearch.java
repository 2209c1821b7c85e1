package io.fwoa.server.local;

import io.fwoa.server.search.opensearch.SearchIndex;
import java.net.URI;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/** The search index of the local stack: the embedded node over plain HTTP on 127.0.0.1. */
public final class LocalSearch {

  private LocalSearch() {}

  public static SearchIndex connect(String endpoint) {
    URI uri = URI.create(endpoint);
    HttpHost host = new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort());
    return new SearchIndex(ApacheHttpClient5TransportBuilder.builder(host).setMapper(new JacksonJsonpMapper())
        .build());
  }
}
