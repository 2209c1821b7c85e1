package io.fwoa.server.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import io.fwoa.server.config.Logging;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.search.stream.StreamIndexer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The DynamoDB stream to search index Lambda that FhirSearch wires to the resource table (batch
 * item failures reported; the event source mapping retries from the first failed record and
 * finally sends the batch to the dead-letter queue). Records it has no time left for (within
 * {@link StreamIndexer#STOP_MILLIS} of the function's timeout) are reported as failures too.
 * fwoa:run calls the same handler after each write, with the records the table would have
 * streamed, and no context (no time limit).
 */
public class StreamIndexHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

  static {
    Logging.apply(); // before the first logger: LOG_LEVEL sets the level of every logger
  }

  private final StreamIndexer indexer;

  /** Called by the Lambda runtime; configuration comes from the function's environment. */
  public StreamIndexHandler() {
    this(ServerFactory.streamIndexer(ServerConfig.fromEnvironment(System.getenv())));
  }

  public StreamIndexHandler(StreamIndexer indexer) {
    this.indexer = indexer;
  }

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    if (event == null || event.getRecords() == null || event.getRecords().isEmpty()) {
      return new StreamsEventResponse(new ArrayList<>());
    }
    List<BatchItemFailure> failures = new ArrayList<>();
    // Stops short of the function's timeout: what is not indexed by then is retried, not lost.
    LongSupplier remainingMillis = context == null ? null : () -> context.getRemainingTimeInMillis();
    for (String sequenceNumber : indexer.index(event.getRecords(), remainingMillis)) {
      failures.add(new BatchItemFailure(sequenceNumber));
    }
    return new StreamsEventResponse(failures);
  }
}
