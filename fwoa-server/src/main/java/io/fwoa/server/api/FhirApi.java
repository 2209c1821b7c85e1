package io.fwoa.server.api;

import io.fwoa.server.capability.CapabilityStatements;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.fhir.Fhir;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an HTTP request into a FHIR interaction. The same instance serves the Lambda handler and
 * the local runner, so both behave alike.
 */
public final class FhirApi {

  private static final String TENANT_PREFIX = "/tenant/";

  private final ServerConfig config;
  private final CapabilityStatements capabilities;
  private final Set<String> resourceTypes;

  public FhirApi(ServerConfig config) {
    this.config = config;
    this.capabilities = new CapabilityStatements(config);
    this.resourceTypes = Set.copyOf(Fhir.context().getResourceTypes());
  }

  public ApiResponse handle(ApiRequest request) {
    String path = withoutTenant(request.path());
    List<String> segments = segments(path);
    if (segments.size() == 1 && segments.get(0).equals("metadata")) {
      if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
        return OperationOutcomes.methodNotAllowed("Only GET is allowed on /metadata");
      }
      String body = Fhir.toJson(capabilities.build(request.baseUrl()));
      return new ApiResponse(200, Map.of("Content-Type", Fhir.JSON_CONTENT_TYPE), body);
    }
    if (segments.isEmpty()) {
      return OperationOutcomes.notImplemented(
          "System-level interactions (" + request.method() + " /) are not implemented by this server yet");
    }
    String first = segments.get(0);
    if (resourceTypes.contains(first) || first.startsWith("$") || first.equals("_history")
        || first.equals("_search")) {
      return OperationOutcomes.notImplemented(
          "The interaction " + request.method() + " " + path + " is not implemented by this server yet");
    }
    return OperationOutcomes.notFound("Unknown resource type '" + first + "'");
  }

  private String withoutTenant(String path) {
    if (config.multiTenancy() && path.startsWith(TENANT_PREFIX)) {
      int next = path.indexOf('/', TENANT_PREFIX.length());
      return next < 0 ? "/" : path.substring(next);
    }
    return path;
  }

  private static List<String> segments(String path) {
    if (path.equals("/")) {
      return List.of();
    }
    return List.of(path.substring(1).split("/"));
  }
}
