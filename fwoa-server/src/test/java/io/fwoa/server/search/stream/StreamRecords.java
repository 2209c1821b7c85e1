package io.fwoa.server.search.stream;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import com.fasterxml.jackson.databind.JsonNode;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.search.SearchService;
import io.fwoa.server.search.index.Mappings;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.SearchClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;

/**
 * DynamoDB stream records built exactly as the table would stream fwoa's items (dynalite has no
 * streams), for Patients of a tenant of their own (the documents share the Patient index with
 * other tests), and what the local OpenSearch node then holds.
 */
final class StreamRecords {

  final String tenant = "stream-" + UUID.randomUUID();
  private final LocalFhirServer server;
  private int sequence;

  StreamRecords(LocalFhirServer server) {
    this.server = server;
  }

  static String patient(String id, String family) {
    return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"1\"},\"name\":[{\"family\":\""
        + family + "\"}]}";
  }

  /** A Patient version item as fwoa's store writes it (see storage.dynamo's package documentation). */
  Map<String, AttributeValue> version(String id, long vid, String status, String json) {
    return version("Patient", id, vid, status, json);
  }

  Map<String, AttributeValue> version(String type, String id, long vid, String status, String json) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("id", s(tenant + "|" + type + "/" + id));
    item.put("vid", n(vid));
    item.put("resourceType", s(type));
    item.put("logicalId", s(id));
    item.put("tenant", s(tenant));
    item.put("documentStatus", s(status));
    item.put("lastUpdated", s("2024-05-0" + Math.min(vid, 9) + "T10:00:00.000Z"));
    item.put("method", s(json == null ? "DELETE" : "PUT"));
    if (json != null) {
      item.put("resource", s(json));
    }
    if (!status.equals("PENDING")) {
      item.put("typeHistory", s(tenant + "|" + type));
      item.put("systemHistory", s(tenant));
    }
    return item;
  }

  /** The INSERT record of a resource's first version. */
  DynamodbStreamRecord insert(String type, String id, String json) {
    return insert(version(type, id, 1, "AVAILABLE", json));
  }

  DynamodbStreamRecord insert(Map<String, AttributeValue> image) {
    return record("INSERT", image, null);
  }

  DynamodbStreamRecord modify(Map<String, AttributeValue> image) {
    return record("MODIFY", image, null);
  }

  DynamodbStreamRecord remove(Map<String, AttributeValue> oldImage) {
    return record("REMOVE", null, oldImage);
  }

  private DynamodbStreamRecord record(String eventName, Map<String, AttributeValue> newImage,
      Map<String, AttributeValue> oldImage) {
    Map<String, AttributeValue> source = newImage != null ? newImage : oldImage;
    StreamRecord s = new StreamRecord();
    s.setKeys(Map.of("id", source.get("id"), "vid", source.get("vid")));
    s.setNewImage(newImage);
    s.setOldImage(oldImage);
    s.setSequenceNumber(String.format("%021d", ++sequence));
    s.setSizeBytes(512L);
    s.setStreamViewType(StreamViewType.NEW_AND_OLD_IMAGES);
    DynamodbStreamRecord r = new DynamodbStreamRecord();
    r.setEventID(UUID.randomUUID().toString());
    r.setEventName(eventName);
    r.setEventVersion("1.1");
    r.setEventSource("aws:dynamodb");
    r.setAwsRegion("us-east-1");
    r.setEventSourceARN("arn:aws:dynamodb:us-east-1:123456789012:table/resource-db-dev/stream/2024-05-01T00:00:00.000");
    r.setDynamodb(s);
    return r;
  }

  static DynamodbEvent event(DynamodbStreamRecord... records) {
    return event(List.of(records));
  }

  static DynamodbEvent event(List<DynamodbStreamRecord> records) {
    DynamodbEvent e = new DynamodbEvent();
    e.setRecords(records);
    return e;
  }

  static List<String> failures(StreamsEventResponse r) {
    return r.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList();
  }

  static String seq(DynamodbStreamRecord r) {
    return r.getDynamodb().getSequenceNumber();
  }

  static AttributeValue s(String v) {
    AttributeValue a = new AttributeValue();
    a.setS(v);
    return a;
  }

  static AttributeValue n(long v) {
    AttributeValue a = new AttributeValue();
    a.setN(Long.toString(v));
    return a;
  }

  // ------------------------------------------------------------------ what the index holds

  /** The Patient's document as OpenSearch returns it ({@code found}, {@code _source}...). */
  JsonNode doc(String id) {
    return doc("Patient", id);
  }

  JsonNode doc(String type, String id) {
    return read(Http.send("GET", server.searchEndpoint() + "/" + Mappings.alias(type) + "/_doc/" + tenant + "%7C" + id,
        null, null, null).body());
  }

  boolean exists(String id) {
    return doc(id).path("found").asBoolean();
  }

  String family(String id) {
    return doc(id).path("_source").path("resource").path("name").get(0).path("family").asText();
  }

  /** The ids of this tenant's Patients a search finds (all in one page). */
  List<String> search(String param, String value) {
    return search("Patient", param, value);
  }

  List<String> search(String type, String param, String value) {
    SearchService search = new SearchService(server::searchIndex);
    String json = search.search(List.of(type), List.of(Map.entry(param, value), Map.entry("_count", "500")),
        true, tenant, "/" + type, null, t -> { });
    return read(json).path("entry").findValues("resource").stream().map(r -> r.path("id").asText()).toList();
  }

  static JsonNode read(String json) {
    try {
      return SearchClient.JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Lambda context with the remaining time a supplier gives. */
  static Context context(IntSupplier remainingMillis) {
    return new Context() {
      @Override
      public String getAwsRequestId() {
        return "test-request";
      }

      @Override
      public String getLogGroupName() {
        return "test";
      }

      @Override
      public String getLogStreamName() {
        return "test";
      }

      @Override
      public String getFunctionName() {
        return "stream-indexer";
      }

      @Override
      public String getFunctionVersion() {
        return "$LATEST";
      }

      @Override
      public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:stream-indexer";
      }

      @Override
      public CognitoIdentity getIdentity() {
        return null;
      }

      @Override
      public ClientContext getClientContext() {
        return null;
      }

      @Override
      public int getRemainingTimeInMillis() {
        return remainingMillis.getAsInt();
      }

      @Override
      public int getMemoryLimitInMB() {
        return 1024;
      }

      @Override
      public LambdaLogger getLogger() {
        return null;
      }
    };
  }
}
