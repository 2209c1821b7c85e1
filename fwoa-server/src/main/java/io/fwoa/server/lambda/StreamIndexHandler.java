package io.fwoa.server.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;

/**
 * The DynamoDB stream to search index Lambda that FhirSearch wires to the resource table.
 *
 * <p>The indexing itself is not part of this release. Until it is, every batch fails on purpose:
 * the event source mapping retries it, then sends its description to the dead-letter queue, from
 * where it can be replayed once indexing exists. Acknowledging the records instead would lose them.
 */
public class StreamIndexHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    int records = event == null || event.getRecords() == null ? 0 : event.getRecords().size();
    throw new UnsupportedOperationException(
        "Search indexing is not implemented in this fwoa release; " + records
            + " stream record(s) left for retry and the dead-letter queue");
  }
}
