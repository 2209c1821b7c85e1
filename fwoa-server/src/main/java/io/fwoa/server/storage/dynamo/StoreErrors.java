package io.fwoa.server.storage.dynamo;

import io.fwoa.server.storage.InvalidRequestException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** DynamoDB's errors as the store reports them to the API. */
final class StoreErrors {

  private StoreErrors() {}

  /**
   * What a DynamoDB error means for the request: a ValidationException is DynamoDB refusing
   * something built from the client's input (400); anything else stays a server error.
   */
  static RuntimeException translate(DynamoDbException e) {
    if (e.awsErrorDetails() != null && "ValidationException".equals(e.awsErrorDetails().errorCode())) {
      return new InvalidRequestException("The request cannot be served: DynamoDB refused it ("
          + e.awsErrorDetails().errorMessage() + ")");
    }
    return e;
  }
}
