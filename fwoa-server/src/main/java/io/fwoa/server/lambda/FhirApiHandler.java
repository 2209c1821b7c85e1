package io.fwoa.server.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.fwoa.server.api.ApiRequest;
import io.fwoa.server.api.ApiResponse;
import io.fwoa.server.api.FhirApi;
import io.fwoa.server.api.OperationOutcomes;
import io.fwoa.server.config.Logging;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.storage.RequestDeadline;
import io.fwoa.server.storage.StorageUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR API Lambda: an API Gateway REST proxy event in, an HTTP response out. The local runner
 * (fwoa:run) builds the same events from HTTP requests and calls this same class.
 */
public class FhirApiHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

  static {
    Logging.apply(); // before the first logger: LOG_LEVEL sets the level of every logger
  }

  private static final Logger LOG = LoggerFactory.getLogger(FhirApiHandler.class);

  private final FhirApi api;

  /** Called by the Lambda runtime; configuration comes from the function's environment. */
  public FhirApiHandler() {
    this(ServerFactory.create(ServerConfig.fromEnvironment(System.getenv())));
    Priming.register(this);
  }

  public FhirApiHandler(FhirApi api) {
    this.api = api;
  }

  FhirApi api() {
    return api;
  }

  /**
   * Time kept back from the function's remaining time: for rolling back a transaction the
   * deadline interrupted and for sending the answer before Lambda stops the function.
   */
  static final long MARGIN_MILLIS = 3_000;
  /** The budget of a request in the local runner, which has no Lambda context: the cloud's 28 s less the margin. */
  static final long LOCAL_BUDGET_MILLIS = 25_000;

  @Override
  public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
    long budget = context == null ? LOCAL_BUDGET_MILLIS : context.getRemainingTimeInMillis() - MARGIN_MILLIS;
    ApiResponse response;
    try (RequestDeadline.Scope deadline = RequestDeadline.start(budget)) {
      response = api.handle(toRequest(event));
    } catch (StorageUnavailableException e) {
      LOG.warn("{} {}: {}", event.getHttpMethod(), event.getPath(), e.getMessage());
      response = OperationOutcomes.error(503, IssueType.THROTTLED, e.getMessage() + ". Retry later.",
          Map.of("Retry-After", Integer.toString(StorageUnavailableException.RETRY_AFTER_SECONDS)));
    } catch (RuntimeException e) {
      // Never leak a stack trace to the client; the log has it.
      LOG.error("Unhandled error for {} {}", event.getHttpMethod(), event.getPath(), e);
      response = OperationOutcomes.error(500, IssueType.EXCEPTION, "Internal server error");
    }
    return new APIGatewayProxyResponseEvent()
        .withStatusCode(response.status())
        .withHeaders(new HashMap<>(response.headers()))
        .withBody(response.body())
        .withIsBase64Encoded(false);
  }

  static ApiRequest toRequest(APIGatewayProxyRequestEvent event) {
    Map<String, String> headers = event.getHeaders() == null ? Map.of() : event.getHeaders();
    String body = event.getBody();
    boolean base64 = false;
    if (body != null && Boolean.TRUE.equals(event.getIsBase64Encoded())) {
      if (isText(header(headers, "Content-Type"))) {
        body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
      } else {
        base64 = true; // raw Binary content: decoded where it is used
      }
    }
    return new ApiRequest(event.getHttpMethod(), resourcePath(event), headers, query(event), body,
        baseUrl(event, headers), base64);
  }

  /** JSON and text bodies are decoded to strings; anything else stays base64 (Binary uploads). */
  public static boolean isText(String contentType) {
    if (contentType == null) {
      return true;
    }
    String t = contentType.toLowerCase(java.util.Locale.ROOT);
    return t.contains("json") || t.startsWith("text/") || t.contains("xml")
        || t.startsWith("application/x-www-form-urlencoded");
  }

  /** All values of every query parameter: API Gateway gives them in the multi-value map. */
  private static Map<String, List<String>> query(APIGatewayProxyRequestEvent event) {
    Map<String, List<String>> multi = event.getMultiValueQueryStringParameters();
    if (multi != null && !multi.isEmpty()) {
      Map<String, List<String>> out = new LinkedHashMap<>();
      multi.forEach((k, v) -> out.put(k, v == null ? List.of() : new ArrayList<>(v)));
      return out;
    }
    return ApiRequest.single(event.getQueryStringParameters());
  }

  /**
   * The path below the FHIR base. With a proxy resource API Gateway gives the matched path; for the
   * root resource it is "/".
   */
  private static String resourcePath(APIGatewayProxyRequestEvent event) {
    Map<String, String> pathParameters = event.getPathParameters();
    if (pathParameters != null && pathParameters.get("proxy") != null) {
      return "/" + pathParameters.get("proxy");
    }
    return event.getPath();
  }

  private static String baseUrl(APIGatewayProxyRequestEvent event, Map<String, String> headers) {
    String host = header(headers, "Host");
    if (host == null) {
      return null;
    }
    String proto = header(headers, "X-Forwarded-Proto");
    String stage = event.getRequestContext() == null ? null : event.getRequestContext().getStage();
    return (proto == null ? "https" : proto) + "://" + host + (stage == null || stage.isEmpty() ? "" : "/" + stage);
  }

  private static String header(Map<String, String> headers, String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue).findFirst().orElse(null);
  }
}
