package io.fwoa.server.storage.dynamo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import io.fwoa.server.storage.RequestDeadline;
import io.fwoa.server.storage.StorageUnavailableException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The seven DynamoDB operations the resource store uses (GetItem, PutItem, UpdateItem, DeleteItem,
 * Query, BatchWriteItem, BatchGetItem), spoken directly: DynamoDB's JSON protocol over
 * HttpURLConnection, signed with Signature Version 4. Why: building the AWS SDK's DynamoDB client
 * and making its first call cost about a second of a Lambda cold start; this client starts in
 * milliseconds. It keeps the SDK's request and response classes, so the store is the same code
 * with either client (the tests run the store on both). Throttling, server errors and I/O errors
 * are retried with jittered backoff, at most six attempts and never past the request's {@link
 * RequestDeadline} (timeouts shrink to fit it); then {@link StorageUnavailableException} (503).
 * Every other operation is the interface's default: unsupported.
 */
public final class LightDynamoDbClient implements DynamoDbClient {

  /** Credentials for signing. */
  public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {}

  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final int MAX_ATTEMPTS = 6;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  private final URL endpoint;
  private final String host;
  private final String region;
  private final java.util.function.Supplier<Credentials> credentials;
  private final java.time.Clock clock;

  public LightDynamoDbClient(URI endpoint, String region, java.util.function.Supplier<Credentials> credentials) {
    this(endpoint, region, credentials, java.time.Clock.systemUTC());
  }

  LightDynamoDbClient(URI endpoint, String region, java.util.function.Supplier<Credentials> credentials,
      java.time.Clock clock) {
    this.clock = clock;
    try {
      this.endpoint = endpoint.resolve("/").toURL();
    } catch (IOException e) {
      throw new IllegalArgumentException("Invalid DynamoDB endpoint " + endpoint, e);
    }
    this.host = endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    this.region = region;
    this.credentials = credentials;
  }

  /** The public endpoint of a region. */
  public static URI regionalEndpoint(String region) {
    return URI.create("https://dynamodb." + region + ".amazonaws.com/");
  }

  @Override
  public String serviceName() {
    return "dynamodb";
  }

  @Override
  public void close() {}

  // ------------------------------------------------------------------ operations

  @Override
  public GetItemResponse getItem(GetItemRequest r) {
    Map<String, Object> out = call("GetItem", g -> {
      g.writeStringField("TableName", r.tableName());
      writeItem(g, "Key", r.key());
      if (r.consistentRead() != null) {
        g.writeBooleanField("ConsistentRead", r.consistentRead());
      }
    });
    return GetItemResponse.builder().item(item(out.get("Item"))).build();
  }

  @Override
  public PutItemResponse putItem(PutItemRequest r) {
    call("PutItem", g -> {
      g.writeStringField("TableName", r.tableName());
      writeItem(g, "Item", r.item());
      writeCondition(g, r.conditionExpression(), r.hasExpressionAttributeNames() ? r.expressionAttributeNames() : null,
          r.hasExpressionAttributeValues() ? r.expressionAttributeValues() : null);
    });
    return PutItemResponse.builder().build();
  }

  @Override
  public UpdateItemResponse updateItem(UpdateItemRequest r) {
    call("UpdateItem", g -> {
      g.writeStringField("TableName", r.tableName());
      writeItem(g, "Key", r.key());
      g.writeStringField("UpdateExpression", r.updateExpression());
      writeCondition(g, r.conditionExpression(), r.hasExpressionAttributeNames() ? r.expressionAttributeNames() : null,
          r.hasExpressionAttributeValues() ? r.expressionAttributeValues() : null);
    });
    return UpdateItemResponse.builder().build();
  }

  @Override
  public DeleteItemResponse deleteItem(DeleteItemRequest r) {
    call("DeleteItem", g -> {
      g.writeStringField("TableName", r.tableName());
      writeItem(g, "Key", r.key());
      writeCondition(g, r.conditionExpression(), r.hasExpressionAttributeNames() ? r.expressionAttributeNames() : null,
          r.hasExpressionAttributeValues() ? r.expressionAttributeValues() : null);
    });
    return DeleteItemResponse.builder().build();
  }

  @Override
  public QueryResponse query(QueryRequest r) {
    Map<String, Object> out = call("Query", g -> {
      g.writeStringField("TableName", r.tableName());
      if (r.indexName() != null) {
        g.writeStringField("IndexName", r.indexName());
      }
      g.writeStringField("KeyConditionExpression", r.keyConditionExpression());
      if (r.filterExpression() != null) {
        g.writeStringField("FilterExpression", r.filterExpression());
      }
      if (r.projectionExpression() != null) {
        g.writeStringField("ProjectionExpression", r.projectionExpression());
      }
      writeCondition(g, null, r.hasExpressionAttributeNames() ? r.expressionAttributeNames() : null,
          r.hasExpressionAttributeValues() ? r.expressionAttributeValues() : null);
      if (r.scanIndexForward() != null) {
        g.writeBooleanField("ScanIndexForward", r.scanIndexForward());
      }
      if (r.limit() != null) {
        g.writeNumberField("Limit", r.limit());
      }
      if (r.consistentRead() != null) {
        g.writeBooleanField("ConsistentRead", r.consistentRead());
      }
      if (r.hasExclusiveStartKey() && r.exclusiveStartKey() != null) {
        writeItem(g, "ExclusiveStartKey", r.exclusiveStartKey());
      }
    });
    QueryResponse.Builder b = QueryResponse.builder().items(items(out.get("Items")));
    Object last = out.get("LastEvaluatedKey");
    if (last != null) {
      b.lastEvaluatedKey(item(last));
    }
    if (out.get("Count") instanceof Number n) {
      b.count(n.intValue());
    }
    return b.build();
  }

  @Override
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest r) {
    Map<String, Object> out = call("BatchWriteItem", g -> {
      g.writeObjectFieldStart("RequestItems");
      for (Map.Entry<String, List<WriteRequest>> t : r.requestItems().entrySet()) {
        g.writeArrayFieldStart(t.getKey());
        for (WriteRequest w : t.getValue()) {
          g.writeStartObject();
          if (w.putRequest() != null) {
            g.writeObjectFieldStart("PutRequest");
            writeItem(g, "Item", w.putRequest().item());
          } else {
            g.writeObjectFieldStart("DeleteRequest");
            writeItem(g, "Key", w.deleteRequest().key());
          }
          g.writeEndObject();
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    });
    Map<String, List<WriteRequest>> unprocessed = new LinkedHashMap<>();
    if (out.get("UnprocessedItems") instanceof Map<?, ?> tables) {
      for (Map.Entry<?, ?> t : tables.entrySet()) {
        List<WriteRequest> requests = new ArrayList<>();
        for (Object o : (List<?>) t.getValue()) {
          Map<?, ?> w = (Map<?, ?>) o;
          if (w.get("PutRequest") instanceof Map<?, ?> put) {
            requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item(put.get("Item"))).build())
                .build());
          } else if (w.get("DeleteRequest") instanceof Map<?, ?> delete) {
            requests.add(WriteRequest.builder()
                .deleteRequest(DeleteRequest.builder().key(item(delete.get("Key"))).build()).build());
          }
        }
        if (!requests.isEmpty()) {
          unprocessed.put((String) t.getKey(), requests);
        }
      }
    }
    return BatchWriteItemResponse.builder().unprocessedItems(unprocessed).build();
  }

  @Override
  public BatchGetItemResponse batchGetItem(BatchGetItemRequest r) {
    Map<String, Object> out = call("BatchGetItem", g -> {
      g.writeObjectFieldStart("RequestItems");
      for (Map.Entry<String, KeysAndAttributes> t : r.requestItems().entrySet()) {
        g.writeObjectFieldStart(t.getKey());
        g.writeArrayFieldStart("Keys");
        for (Map<String, AttributeValue> key : t.getValue().keys()) {
          g.writeStartObject();
          writeAttributes(g, key);
          g.writeEndObject();
        }
        g.writeEndArray();
        if (t.getValue().consistentRead() != null) {
          g.writeBooleanField("ConsistentRead", t.getValue().consistentRead());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    });
    Map<String, List<Map<String, AttributeValue>>> responses = new LinkedHashMap<>();
    if (out.get("Responses") instanceof Map<?, ?> tables) {
      tables.forEach((table, list) -> responses.put((String) table, items(list)));
    }
    Map<String, KeysAndAttributes> unprocessed = new LinkedHashMap<>();
    if (out.get("UnprocessedKeys") instanceof Map<?, ?> tables) {
      tables.forEach((table, ka) -> {
        Map<?, ?> k = (Map<?, ?>) ka;
        List<Map<String, AttributeValue>> keys = items(k.get("Keys"));
        if (!keys.isEmpty()) {
          unprocessed.put((String) table, KeysAndAttributes.builder().keys(keys)
              .consistentRead((Boolean) k.get("ConsistentRead")).build());
        }
      });
    }
    return BatchGetItemResponse.builder().responses(responses).unprocessedKeys(unprocessed).build();
  }

  // ------------------------------------------------------------------ protocol

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private Map<String, Object> call(String operation, Body body) {
    byte[] payload;
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
      try (JsonGenerator g = JSON.createGenerator(buffer)) {
        g.writeStartObject();
        body.write(g);
        g.writeEndObject();
      }
      payload = buffer.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int attempt = 1; ; attempt++) {
      long remaining = RequestDeadline.remainingMillis();
      if (remaining <= 0) {
        throw unavailable(operation, attempt - 1, null);
      }
      int status;
      Map<String, Object> response;
      try {
        HttpURLConnection c = (HttpURLConnection) endpoint.openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        // Never longer than the request has left (0 would mean no timeout at all).
        c.setConnectTimeout((int) Math.max(1, Math.min(CONNECT_TIMEOUT_MILLIS, remaining)));
        c.setReadTimeout((int) Math.max(1, Math.min(READ_TIMEOUT_MILLIS, remaining)));
        c.setFixedLengthStreamingMode(payload.length);
        sign(c, operation, payload);
        try (OutputStream os = c.getOutputStream()) {
          os.write(payload);
        }
        status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
          response = in == null ? Map.of() : parse(in);
        }
      } catch (IOException e) {
        if (attempt < MAX_ATTEMPTS && backOff(attempt)) {
          continue;
        }
        throw unavailable(operation, attempt, e);
      }
      if (status < 300) {
        return response;
      }
      String type = String.valueOf(response.getOrDefault("__type", ""));
      type = type.substring(type.indexOf('#') + 1);
      Object m = response.containsKey("message") ? response.get("message") : response.get("Message");
      String message = type + ": " + (m == null ? "HTTP " + status : m);
      AwsErrorDetails details = AwsErrorDetails.builder().errorCode(type).errorMessage(message)
          .serviceName("DynamoDb").build();
      if (type.equals("ConditionalCheckFailedException")) {
        throw ConditionalCheckFailedException.builder().message(message).statusCode(status).awsErrorDetails(details)
            .build();
      }
      if (type.equals("ResourceNotFoundException")) {
        throw ResourceNotFoundException.builder().message(message).statusCode(status).awsErrorDetails(details).build();
      }
      boolean retryable = status >= 500 || type.equals("ProvisionedThroughputExceededException")
          || type.equals("ThrottlingException") || type.equals("RequestLimitExceeded")
          || type.equals("LimitExceededException");
      if (retryable) {
        if (attempt < MAX_ATTEMPTS && backOff(attempt)) {
          continue;
        }
        throw unavailable(operation, attempt, DynamoDbException.builder().message(message).statusCode(status)
            .awsErrorDetails(details).build());
      }
      throw DynamoDbException.builder().message(message).statusCode(status).awsErrorDetails(details).build();
    }
  }

  /** DynamoDB did not answer, or kept refusing for load, within the attempts or the request's time. */
  private static StorageUnavailableException unavailable(String operation, int attempts, Exception last) {
    String why = RequestDeadline.remainingMillis() <= 0 ? "the request ran out of time"
        : "no success in " + attempts + " attempt(s)";
    return new StorageUnavailableException("DynamoDB was too slow or throttled: " + operation + " failed, " + why
        + (last == null ? "" : " (" + last.getMessage() + ")"), last);
  }

  /**
   * Waits before another attempt, jittered and growing, but never past the request's deadline.
   *
   * @return false when the deadline leaves no time for another attempt
   */
  private static boolean backOff(int attempt) {
    long pause = ThreadLocalRandom.current().nextLong(10, 25L << Math.min(attempt, 6));
    if (pause >= RequestDeadline.remainingMillis()) {
      return false;
    }
    try {
      Thread.sleep(pause);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DynamoDbException.builder().message("Interrupted while retrying DynamoDB").build();
    }
  }

  /** AWS Signature Version 4 for one POST to "/". */
  private void sign(HttpURLConnection c, String operation, byte[] payload) {
    signedHeaders(operation, payload).forEach(c::setRequestProperty);
  }

  /** The headers of a signed request (visible to tests, which compare with the SDK's signer). */
  Map<String, String> signedHeaders(String operation, byte[] payload) {
    Map<String, String> headers = new LinkedHashMap<>();
    Credentials creds = credentials.get();
    String amzDate = AMZ_DATE.format(ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC));
    String date = amzDate.substring(0, 8);
    String target = "DynamoDB_20120810." + operation;
    String contentType = "application/x-amz-json-1.0";
    String payloadHash = hex(sha256(payload));
    StringBuilder canonicalHeaders = new StringBuilder()
        .append("content-type:").append(contentType).append('\n')
        .append("host:").append(host).append('\n')
        .append("x-amz-content-sha256:").append(payloadHash).append('\n')
        .append("x-amz-date:").append(amzDate).append('\n');
    String signedHeaders = "content-type;host;x-amz-content-sha256;x-amz-date";
    if (creds.sessionToken() != null) {
      canonicalHeaders.append("x-amz-security-token:").append(creds.sessionToken()).append('\n');
      signedHeaders += ";x-amz-security-token";
    }
    canonicalHeaders.append("x-amz-target:").append(target).append('\n');
    signedHeaders += ";x-amz-target";
    String canonicalRequest = "POST\n/\n\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadHash;
    String scope = date + "/" + region + "/dynamodb/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
        + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + creds.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, "dynamodb");
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, toSign));
    headers.put("Content-Type", contentType);
    headers.put("X-Amz-Date", amzDate);
    headers.put("X-Amz-Content-Sha256", payloadHash);
    headers.put("X-Amz-Target", target);
    if (creds.sessionToken() != null) {
      headers.put("X-Amz-Security-Token", creds.sessionToken());
    }
    headers.put("Authorization", "AWS4-HMAC-SHA256 Credential=" + creds.accessKeyId() + "/" + scope
        + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
    return headers;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  // ------------------------------------------------------------------ JSON

  private static void writeCondition(JsonGenerator g, String condition, Map<String, String> names,
      Map<String, AttributeValue> values) throws IOException {
    if (condition != null) {
      g.writeStringField("ConditionExpression", condition);
    }
    if (names != null && !names.isEmpty()) {
      g.writeObjectFieldStart("ExpressionAttributeNames");
      for (Map.Entry<String, String> n : names.entrySet()) {
        g.writeStringField(n.getKey(), n.getValue());
      }
      g.writeEndObject();
    }
    if (values != null && !values.isEmpty()) {
      writeItem(g, "ExpressionAttributeValues", values);
    }
  }

  private static void writeItem(JsonGenerator g, String field, Map<String, AttributeValue> item) throws IOException {
    g.writeObjectFieldStart(field);
    writeAttributes(g, item);
    g.writeEndObject();
  }

  private static void writeAttributes(JsonGenerator g, Map<String, AttributeValue> item) throws IOException {
    for (Map.Entry<String, AttributeValue> a : item.entrySet()) {
      g.writeFieldName(a.getKey());
      writeValue(g, a.getValue());
    }
  }

  private static void writeValue(JsonGenerator g, AttributeValue v) throws IOException {
    g.writeStartObject();
    if (v.s() != null) {
      g.writeStringField("S", v.s());
    } else if (v.n() != null) {
      g.writeStringField("N", v.n());
    } else if (v.b() != null) {
      g.writeStringField("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
    } else if (v.bool() != null) {
      g.writeBooleanField("BOOL", v.bool());
    } else if (Boolean.TRUE.equals(v.nul())) {
      g.writeBooleanField("NULL", true);
    } else if (v.hasL()) {
      g.writeArrayFieldStart("L");
      for (AttributeValue e : v.l()) {
        writeValue(g, e);
      }
      g.writeEndArray();
    } else if (v.hasM()) {
      g.writeObjectFieldStart("M");
      writeAttributes(g, v.m());
      g.writeEndObject();
    } else if (v.hasSs()) {
      g.writeArrayFieldStart("SS");
      for (String s : v.ss()) {
        g.writeString(s);
      }
      g.writeEndArray();
    } else if (v.hasNs()) {
      g.writeArrayFieldStart("NS");
      for (String s : v.ns()) {
        g.writeString(s);
      }
      g.writeEndArray();
    } else {
      throw new IllegalArgumentException("Unsupported attribute value " + v);
    }
    g.writeEndObject();
  }

  private static Map<String, Object> parse(InputStream in) throws IOException {
    try (JsonParser p = JSON.createParser(in)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        return Map.of();
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> root = (Map<String, Object>) read(p, t);
      return root;
    }
  }

  private static Object read(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          m.put(name, read(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          l.add(read(p, e));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return p.getNumberValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      default -> {
        return null;
      }
    }
  }

  private static List<Map<String, AttributeValue>> items(Object list) {
    List<Map<String, AttributeValue>> out = new ArrayList<>();
    if (list instanceof List<?> l) {
      for (Object o : l) {
        out.add(item(o));
      }
    }
    return out;
  }

  private static Map<String, AttributeValue> item(Object json) {
    if (!(json instanceof Map<?, ?> m)) {
      return null;
    }
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    m.forEach((k, v) -> item.put((String) k, value((Map<?, ?>) v)));
    return item;
  }

  private static AttributeValue value(Map<?, ?> json) {
    Map.Entry<?, ?> e = json.entrySet().iterator().next();
    Object v = e.getValue();
    return switch ((String) e.getKey()) {
      case "S" -> AttributeValue.builder().s((String) v).build();
      case "N" -> AttributeValue.builder().n((String) v).build();
      case "B" -> AttributeValue.builder().b(SdkBytes.fromByteArray(Base64.getDecoder().decode((String) v))).build();
      case "BOOL" -> AttributeValue.builder().bool((Boolean) v).build();
      case "NULL" -> AttributeValue.builder().nul(true).build();
      case "L" -> {
        List<AttributeValue> l = new ArrayList<>();
        for (Object o : (List<?>) v) {
          l.add(value((Map<?, ?>) o));
        }
        yield AttributeValue.builder().l(l).build();
      }
      case "M" -> AttributeValue.builder().m(item(v)).build();
      case "SS" -> AttributeValue.builder().ss(strings(v)).build();
      case "NS" -> AttributeValue.builder().ns(strings(v)).build();
      default -> throw DynamoDbException.builder().message("Unsupported attribute type " + e.getKey()).build();
    };
  }

  private static List<String> strings(Object v) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      out.add((String) o);
    }
    return out;
  }
}
