package io.fwoa.server.local;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Wraps the local server's stream handler so a test decides what happens to the stream events
 * that carry a resource containing a given text: held until released, or failed a number of
 * times (as OpenSearch being down would). Every other event goes straight to the real handler.
 */
final class IndexingHook implements UnaryOperator<LocalFhirServer.StreamHandler> {

  private volatile String holdText;
  private volatile CountDownLatch held = new CountDownLatch(1);
  private volatile CountDownLatch release = new CountDownLatch(0);
  private volatile String failText;
  private final AtomicInteger failuresLeft = new AtomicInteger();

  @Override
  public LocalFhirServer.StreamHandler apply(LocalFhirServer.StreamHandler real) {
    return (event, context) -> {
      String hold = holdText;
      if (hold != null && carries(event, hold)) {
        held.countDown();
        await(release);
      }
      String fail = failText;
      if (fail != null && carries(event, fail) && failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("test: the search index is unavailable");
      }
      return real.handleRequest(event, context);
    };
  }

  /** Holds the indexing of events carrying {@code text} until {@link #release()}. */
  void hold(String text) {
    held = new CountDownLatch(1);
    release = new CountDownLatch(1);
    holdText = text;
  }

  /** Waits until an event carrying the held text is being indexed (false after a minute). */
  boolean awaitHeld() throws InterruptedException {
    return held.await(60, TimeUnit.SECONDS);
  }

  void release() {
    holdText = null;
    release.countDown();
  }

  /** The next {@code times} events carrying {@code text} fail. */
  void fail(String text, int times) {
    failuresLeft.set(times);
    failText = text;
  }

  private static boolean carries(DynamodbEvent event, String text) {
    for (DynamodbStreamRecord r : event.getRecords()) {
      Map<String, AttributeValue> image = r.getDynamodb() == null ? null : r.getDynamodb().getNewImage();
      if (image != null && image.values().stream().anyMatch(v -> v.getS() != null && v.getS().contains(text))) {
        return true;
      }
    }
    return false;
  }

  private static void await(CountDownLatch latch) {
    try {
      // A bound so a broken test ends; the test releases the latch long before.
      latch.await(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
