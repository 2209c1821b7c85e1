package io.fwoa.server.local;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import io.fwoa.server.storage.dynamo.TableSchema;
import io.fwoa.server.lambda.StreamIndexHandler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
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
 * server becomes the stream record DynamoDB would emit (new image, keys) and goes to the {@link
 * StreamQueue}, which the local HTTP server flushes before it sends each response: one stream
 * event, so one bulk request, per request rather than per DynamoDB write (a
 * 300-entry transaction makes a dozen batch writes). Search is therefore consistent as soon as a
 * request returns, through exactly the indexing code the cloud runs.
 *
 * <p>When the server stops, {@link #stop} refuses further writes and waits for those under way,
 * so the final flush sees every write the table took.
 */
public final class LocalStreams implements DynamoDbClient {

  private final DynamoDbClient delegate;
  private final StreamQueue queue;
  private final AtomicInteger writing = new AtomicInteger();
  private volatile boolean stopped;

  public LocalStreams(DynamoDbClient delegate, StreamQueue queue) {
    this.delegate = delegate;
    this.queue = queue;
  }

  /** Writes to {@code delegate} indexed by {@code handler} on {@link #flush()} (tests, tools). */
  public LocalStreams(DynamoDbClient delegate, StreamIndexHandler handler) {
    this(delegate, new StreamQueue(handler));
  }

  /** Indexes every write made so far through this client (see {@link StreamQueue#flushAll()}). */
  public StreamQueue.Flushed flush() {
    return queue.flushAll();
  }

  @Override
  public PutItemResponse putItem(PutItemRequest r) {
    return write(() -> {
      PutItemResponse out = delegate.putItem(r);
      queue.add(List.of(record("MODIFY", keyOf(r.item()), r.item())));
      return out;
    });
  }

  @Override
  public UpdateItemResponse updateItem(UpdateItemRequest r) {
    // fwoa updates only transaction records, which search skips; the image is not needed.
    return write(() -> {
      UpdateItemResponse out = delegate.updateItem(r);
      queue.add(List.of(record("MODIFY", r.key(), null)));
      return out;
    });
  }

  @Override
  public DeleteItemResponse deleteItem(DeleteItemRequest r) {
    return write(() -> {
      DeleteItemResponse out = delegate.deleteItem(r);
      queue.add(List.of(record("REMOVE", r.key(), null)));
      return out;
    });
  }

  @Override
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest r) {
    return write(() -> {
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
      queue.add(records);
      return out;
    });
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

  /**
   * A write and the queueing of its records, unless the server is stopping. Counted in and out
   * (the count is raised before the flag is read, the flag set before the count is read by
   * {@link #stop}), so a write either is refused or is waited for.
   */
  private <T> T write(Supplier<T> call) {
    writing.incrementAndGet();
    try {
      if (stopped) {
        // An SdkException: the store treats it as DynamoDB being unavailable (rolls back, 503).
        throw SdkClientException.create("The local FHIR server is stopping: the write was not made");
      }
      return call.get();
    } finally {
      if (writing.decrementAndGet() == 0 && stopped) {
        synchronized (writing) {
          writing.notifyAll();
        }
      }
    }
  }

  /**
   * Refuses writes from now on and waits (at most {@code waitMillis}) for those under way to
   * finish; returns false if some are still running.
   */
  public boolean stop(long waitMillis) {
    stopped = true;
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    synchronized (writing) {
      while (writing.get() > 0) {
        long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        try {
          writing.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> key = new HashMap<>();
    key.put(TableSchema.ID, item.get(TableSchema.ID));
    key.put(TableSchema.VID, item.get(TableSchema.VID));
    return key;
  }

  static DynamodbStreamRecord record(String eventName, Map<String, AttributeValue> keys,
      Map<String, AttributeValue> newImage) {
    StreamRecord s = new StreamRecord();
    s.setKeys(convert(keys));
    if (newImage != null) {
      s.setNewImage(convert(newImage));
    }
    // The sequence number is given when the record is queued (write order).
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
