package io.fwoa.server.local;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import io.fwoa.server.lambda.StreamIndexHandler;
import io.fwoa.server.storage.dynamo.TableSchema;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * DynamoDB Streams for the local stack (dynalite has none): every successful write of the FHIR
 * server becomes the stream record DynamoDB would emit (new image, keys). The records wait in a
 * queue until {@link #flush()}, which the local HTTP server calls before it sends each response:
 * one stream event, so one bulk request and one refresh, per request rather than per DynamoDB
 * write (a 300-entry transaction makes a dozen batch writes). Search is therefore consistent as
 * soon as a request returns, through exactly the indexing code the cloud runs.
 */
public final class LocalStreams implements DynamoDbClient {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStreams.class);

  private final DynamoDbClient delegate;
  private final StreamIndexHandler handler;
  private final AtomicLong sequence = new AtomicLong(1_000_000);
  private final ConcurrentLinkedQueue<DynamodbStreamRecord> pending = new ConcurrentLinkedQueue<>();
  private final Object flushing = new Object();

  public LocalStreams(DynamoDbClient delegate, StreamIndexHandler handler) {
    this.delegate = delegate;
    this.handler = handler;
  }

  @Override
  public PutItemResponse putItem(PutItemRequest r) {
    PutItemResponse out = delegate.putItem(r);
    emit(List.of(record("MODIFY", keyOf(r.item()), r.item())));
    return out;
  }

  @Override
  public UpdateItemResponse updateItem(UpdateItemRequest r) {
    UpdateItemResponse out = delegate.updateItem(r);
    emit(List.of(record("MODIFY", r.key(), null)));
    return out;
  }

  @Override
  public DeleteItemResponse deleteItem(DeleteItemRequest r) {
    DeleteItemResponse out = delegate.deleteItem(r);
    emit(List.of(record("REMOVE", r.key(), null)));
    return out;
  }

  @Override
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest r) {
    BatchWriteItemResponse out = delegate.batchWriteItem(r);
    List<DynamodbStreamRecord> records = new ArrayList<>();
    for (Map.Entry<String, List<WriteRequest>> t : r.requestItems().entrySet()) {
      List<WriteRequest> unprocessed = out.hasUnprocessedItems()
          ? out.unprocessedItems().getOrDefault(t.getKey(), List.of()) : List.of();
      for (WriteRequest w : t.getValue()) {
        if (unprocessed.contains(w)) {
          continue;
        }
        if (w.putRequest() != null) {
          records.add(record("MODIFY", keyOf(w.putRequest().item()), w.putRequest().item()));
        } else if (w.deleteRequest() != null) {
          records.add(record("REMOVE", w.deleteRequest().key(), null));
        }
      }
    }
    emit(records);
    return out;
  }

  @Override
  public GetItemResponse getItem(GetItemRequest r) {
    return delegate.getItem(r);
  }

  @Override
  public QueryResponse query(QueryRequest r) {
    return delegate.query(r);
  }

  @Override
  public ScanResponse scan(ScanRequest r) {
    return delegate.scan(r);
  }

  @Override
  public BatchGetItemResponse batchGetItem(BatchGetItemRequest r) {
    return delegate.batchGetItem(r);
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  @Override
  public void close() {
    delegate.close();
  }

  private void emit(List<DynamodbStreamRecord> records) {
    pending.addAll(records);
  }

  /**
   * Indexes every record written so far, by any thread. Serialized: a flush that finds the queue
   * empty because another flush took its records waits until that one has indexed them, so the
   * caller's writes are searchable when it returns.
   */
  public void flush() {
    synchronized (flushing) {
      List<DynamodbStreamRecord> records = new ArrayList<>();
      for (DynamodbStreamRecord r; (r = pending.poll()) != null; ) {
        records.add(r);
      }
      if (records.isEmpty()) {
        return;
      }
      DynamodbEvent event = new DynamodbEvent();
      event.setRecords(records);
      StreamsEventResponse response;
      try {
        response = handler.handleRequest(event, null);
      } catch (RuntimeException e) {
        // In the cloud the batch would be retried and then land in the dead-letter queue.
        LOG.error("{} stream record(s) could not be indexed; search may miss them: {}", records.size(),
            e.toString());
        return;
      }
      if (response.getBatchItemFailures() != null && !response.getBatchItemFailures().isEmpty()) {
        LOG.error("{} stream record(s) could not be indexed; search may miss them (see the log above)",
            response.getBatchItemFailures().size());
      }
    }
  }

  private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> key = new HashMap<>();
    key.put(TableSchema.ID, item.get(TableSchema.ID));
    key.put(TableSchema.VID, item.get(TableSchema.VID));
    return key;
  }

  private DynamodbStreamRecord record(String eventName, Map<String, AttributeValue> keys,
      Map<String, AttributeValue> newImage) {
    StreamRecord s = new StreamRecord();
    s.setKeys(convert(keys));
    if (newImage != null) {
      s.setNewImage(convert(newImage));
    }
    s.setSequenceNumber(Long.toString(sequence.incrementAndGet()));
    s.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.NEW_AND_OLD_IMAGES);
    DynamodbStreamRecord r = new DynamodbStreamRecord();
    r.setEventName(eventName);
    r.setEventSource("aws:dynamodb");
    r.setDynamodb(s);
    return r;
  }

  /** SDK attribute values to the Lambda events model's (what a stream event carries). */
  static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> convert(
      Map<String, AttributeValue> item) {
    Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out =
        new LinkedHashMap<>();
    item.forEach((k, v) -> out.put(k, convert(v)));
    return out;
  }

  static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue convert(AttributeValue v) {
    var out = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
    if (v.s() != null) {
      out.setS(v.s());
    } else if (v.n() != null) {
      out.setN(v.n());
    } else if (v.b() != null) {
      out.setB(ByteBuffer.wrap(v.b().asByteArray()));
    } else if (v.bool() != null) {
      out.setBOOL(v.bool());
    } else if (Boolean.TRUE.equals(v.nul())) {
      out.setNULL(true);
    } else if (v.hasM()) {
      out.setM(convert(v.m()));
    } else if (v.hasL()) {
      out.setL(v.l().stream().map(LocalStreams::convert).toList());
    } else if (v.hasSs()) {
      out.setSS(v.ss());
    } else if (v.hasNs()) {
      out.setNS(v.ns());
    } else if (v.hasBs()) {
      out.setBS(v.bs().stream().map(SdkBytes::asByteBuffer).toList());
    }
    return out;
  }
}
