package io.fwoa.server.api;

import io.fwoa.server.auth.Authenticator;
import io.fwoa.server.auth.Authorizer;
import io.fwoa.server.auth.Interaction;
import io.fwoa.server.auth.Principal;
import io.fwoa.server.auth.Reach;
import io.fwoa.server.auth.smart.SmartReach;
import io.fwoa.server.auth.Tenants;
import io.fwoa.server.capability.CapabilityStatements;
import io.fwoa.server.capability.SmartConfiguration;
import io.fwoa.server.conditional.SearchCriteria;
import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.interaction.Bundles;
import io.fwoa.server.interaction.Interactions;
import io.fwoa.server.interaction.Interactions.Result;
import io.fwoa.server.interaction.Resources;
import io.fwoa.server.interaction.Responses;
import io.fwoa.server.interaction.ServerBase;
import io.fwoa.server.search.SearchService;
import io.fwoa.server.search.opensearch.SearchUnavailableException;
import io.fwoa.server.storage.DocumentTooLargeException;
import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.InvalidRequestException;
import io.fwoa.server.storage.StoredVersion;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Where an HTTP request becomes a FHIR interaction: routing, content negotiation,
 * authentication and authorization, conditional headers, Prefer, and response headers. The same
 * instance serves the Lambda handler and the local runner, so both behave alike.
 */
public final class FhirApi {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FhirApi.class);

  private static final String TENANT_PREFIX = "/tenant/";
  private static final int DEFAULT_PAGE = 20;
  private static final int MAX_PAGE = 500;
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final Set<String> JSON_TYPES = Set.of("application/fhir+json", "application/json",
      "application/json+fhir");
  private static final String JSON_PATCH = "application/json-patch+json";

  private final ServerConfig config;
  private final CapabilityStatements capabilities;
  private final SmartConfiguration smartConfiguration;
  private final Set<String> resourceTypes;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final Interactions interactions;
  private final Bundles bundles;
  private final SearchService search;
  /** The CapabilityStatement never changes while the process lives; encode it once per base URL. */
  private final Map<String, String> metadata = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param interactions the FHIR interactions, or null when no storage is configured (then only
   *     /metadata works)
   */
  public FhirApi(ServerConfig config, Authenticator authenticator, Authorizer authorizer, Interactions interactions) {
    this(config, authenticator, authorizer, interactions, null);
  }

  /**
   * @param search the search service, or null when no search domain is configured (then searches
   *     answer 501)
   */
  public FhirApi(ServerConfig config, Authenticator authenticator, Authorizer authorizer, Interactions interactions,
      SearchService search) {
    this.search = search;
    this.config = config;
    this.capabilities = new CapabilityStatements(config, search != null);
    this.smartConfiguration = new SmartConfiguration(config.smartSettings());
    this.resourceTypes = Set.copyOf(Fhir.context().getResourceTypes());
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.interactions = interactions;
    this.bundles = interactions == null ? null : new Bundles(interactions, config.maxTransactionEntries());
  }

  /**
   * Snapshot priming (SnapStart): one storage read and the token keys, so the restored function's
   * first request finds the SDK's request path loaded and the JWKS cached. Failures are ignored.
   */
  public void primeStorageAndKeys() {
    authenticator.warmUp();
    if (interactions != null) {
      try {
        interactions.store().current(new io.fwoa.server.storage.ResourceKey(null, "Patient", "fwoa-priming"));
      } catch (RuntimeException e) {
        // No table or no network at snapshot time: the first request pays instead.
      }
    }
  }

  public ServerConfig config() {
    return config;
  }

  public ApiResponse handle(ApiRequest request) {
    try {
      return route(request);
    } catch (FhirException e) {
      return OperationOutcomes.of(e);
    } catch (InvalidRequestException e) {
      return OperationOutcomes.error(400, IssueType.INVALID, e.getMessage());
    } catch (DocumentTooLargeException e) {
      return OperationOutcomes.error(413, IssueType.TOOLONG, e.getMessage());
    } catch (SearchUnavailableException e) {
      return OperationOutcomes.error(503, IssueType.TRANSIENT, "Search is unavailable: " + e.getMessage());
    }
  }

  private ApiResponse route(ApiRequest request) {
    if (request.body() != null && request.body().length() > config.maxRequestBytes()) {
      throw FhirException.tooLarge("The request body exceeds " + config.maxRequestBytes() + " bytes (MAX_REQUEST_BYTES)");
    }
    String pathTenant = null;
    String path = request.path();
    if (config.multiTenancy() && path.startsWith(TENANT_PREFIX)) {
      int next = path.indexOf('/', TENANT_PREFIX.length());
      pathTenant = Tenants.fromPath(next < 0 ? path.substring(TENANT_PREFIX.length())
          : path.substring(TENANT_PREFIX.length(), next));
      path = next < 0 ? "/" : path.substring(next);
    }
    List<String> segments = segments(path);
    String method = request.method();
    boolean head = method.equals("HEAD");
    if (segments.equals(SmartConfiguration.PATH)) {
      return smartConfiguration.answer(method); // public, like /metadata
    }
    if (segments.size() == 1 && segments.get(0).equals("metadata")) {
      if (!method.equals("GET") && !head) {
        throw FhirException.methodNotAllowed("Only GET is allowed on /metadata");
      }
      negotiate(request);
      String body = metadata.computeIfAbsent(String.valueOf(request.baseUrl()),
          b -> Fhir.toJson(capabilities.build(request.baseUrl())));
      return new ApiResponse(200, Map.of("Content-Type", Fhir.JSON_CONTENT_TYPE), head ? null : body);
    }
    if (!segments.isEmpty() && !segments.get(0).startsWith("$") && !segments.get(0).startsWith("_")
        && !resourceTypes.contains(segments.get(0))) {
      throw FhirException.notFound("Unknown resource type '" + segments.get(0) + "'");
    }
    negotiate(request);
    Principal principal = authenticator.authenticate(request);
    if (interactions == null) {
      throw new FhirException(503, IssueType.TRANSIENT, "The server has no resource table configured (RESOURCE_TABLE)");
    }
    String tenant = tenant(pathTenant, principal);
    Reach reach = reach(principal, tenant);
    Interactions in = interactions.restrictedTo(reach);
    Bundles callBundles = in == interactions ? bundles : new Bundles(in, config.maxTransactionEntries());
    Call call = new Call(request, principal, tenant, segments, base(request, pathTenant), reach, in, callBundles);
    ApiResponse response = dispatch(call);
    return head ? new ApiResponse(response.status(), response.headers(), null) : response;
  }

  /**
   * One request after authentication.
   *
   * @param reach which resources the caller's access reaches
   * @param in the interactions as the caller may use them (limited to its reach)
   * @param bundles transactions and batches for the caller
   */
  private record Call(ApiRequest request, Principal principal, String tenant, List<String> segments, String base,
      Reach reach, Interactions in, Bundles bundles) {
    String method() {
      return request.method().equals("HEAD") ? "GET" : request.method();
    }
  }

  private ApiResponse dispatch(Call c) {
    List<String> s = c.segments();
    String method = c.method();
    if (s.stream().anyMatch(x -> x.startsWith("$"))) {
      throw FhirException.notImplemented("Operations (" + String.join("/", s) + ") are not implemented by this server");
    }
    if (s.isEmpty()) {
      if (method.equals("POST")) {
        return bundle(c);
      }
      if (method.equals("GET")) {
        return systemSearch(c);
      }
      throw FhirException.methodNotAllowed(method + " is not allowed on the base URL");
    }
    if (s.get(0).equals("_history")) {
      if (s.size() == 1 && method.equals("GET")) {
        authorize(c, Interaction.HISTORY_SYSTEM, null);
        return history(c, null, null);
      }
      throw FhirException.methodNotAllowed(method + " /" + String.join("/", s) + " is not allowed");
    }
    if (s.get(0).startsWith("_")) {
      throw FhirException.notFound("Unknown path /" + String.join("/", s));
    }
    String type = s.get(0);
    if (s.size() == 1) {
      return typeLevel(c, type);
    }
    String second = s.get(1);
    if (s.size() == 2 && second.equals("_history")) {
      requireMethod(method, "GET", c);
      authorize(c, Interaction.HISTORY_TYPE, type);
      return history(c, type, null);
    }
    if (s.size() == 2 && second.equals("_search")) {
      if (!method.equals("POST") && !method.equals("GET")) {
        throw FhirException.methodNotAllowed(method + " is not allowed on /" + type + "/_search");
      }
      return search(c, type, formParameters(c.request()));
    }
    String id = second;
    if (s.size() == 2) {
      return instanceLevel(c, type, id);
    }
    if (s.get(2).equals("_history")) {
      requireMethod(method, "GET", c);
      if (s.size() == 3) {
        authorize(c, Interaction.HISTORY_INSTANCE, type);
        return history(c, type, id);
      }
      if (s.size() == 4) {
        authorize(c, Interaction.VREAD, type);
        return resource(c, c.in().vread(c.tenant(), type, id, s.get(3)), false);
      }
    }
    throw FhirException.notFound("Unknown path /" + String.join("/", s));
  }

  private ApiResponse typeLevel(Call c, String type) {
    ApiRequest r = c.request();
    boolean conditional = !SearchCriteria.of(r.queryParameters()).isEmpty();
    switch (c.method()) {
      case "POST" -> {
        authorize(c, Interaction.CREATE, type);
        Resource resource = body(r, type);
        return resource(c, c.in().create(caller(c), type, resource, r.header("If-None-Exist")), true);
      }
      case "GET" -> {
        return search(c, type, List.of());
      }
      case "PUT" -> {
        requireCondition(conditional, "PUT", type);
        authorize(c, Interaction.UPDATE, type);
        Resource resource = Resources.parse(jsonBody(r), type);
        return resource(c, c.in().conditionalUpdate(caller(c), type, SearchCriteria.of(r.queryParameters()),
            resource, r.header("If-Match")), true);
      }
      case "DELETE" -> {
        requireCondition(conditional, "DELETE", type);
        authorize(c, Interaction.DELETE, type);
        return deleted(c, c.in().conditionalDelete(c.tenant(), type, SearchCriteria.of(r.queryParameters())));
      }
      case "PATCH" -> {
        requireCondition(conditional, "PATCH", type);
        authorize(c, Interaction.PATCH, type);
        return resource(c, c.in().conditionalPatch(caller(c), type, SearchCriteria.of(r.queryParameters()),
            patchBody(r), r.header("If-Match")), true);
      }
      default -> throw FhirException.methodNotAllowed(c.method() + " is not allowed on /" + type);
    }
  }

  private ApiResponse instanceLevel(Call c, String type, String id) {
    ApiRequest r = c.request();
    switch (c.method()) {
      case "GET" -> {
        authorize(c, Interaction.READ, type);
        return resource(c, c.in().read(c.tenant(), type, id), false);
      }
      case "PUT" -> {
        authorize(c, Interaction.UPDATE, type);
        Resource resource = body(r, type);
        if (resource instanceof Binary && Resources.bodyId(resource) == null) {
          resource.setId(id);
        }
        return resource(c, c.in().update(caller(c), type, id, resource, r.header("If-Match")), true);
      }
      case "PATCH" -> {
        authorize(c, Interaction.PATCH, type);
        return resource(c, c.in().patch(caller(c), type, id, patchBody(r), r.header("If-Match")), true);
      }
      case "DELETE" -> {
        authorize(c, Interaction.DELETE, type);
        return deleted(c, c.in().delete(c.tenant(), type, id, r.header("If-Match")));
      }
      default -> throw FhirException.methodNotAllowed(c.method() + " is not allowed on /" + type + "/" + id);
    }
  }

  // ------------------------------------------------------------------ bundles

  private ApiResponse bundle(Call c) {
    Resource parsed = Resources.parse(jsonBody(c.request()), null);
    if (!(parsed instanceof Bundle bundle)) {
      throw FhirException.badRequest("POST to the base URL takes a Bundle of type batch or transaction, not "
          + parsed.fhirType());
    }
    boolean representation = "representation".equals(prefer(c.request()));
    Bundle out;
    if (bundle.getType() == BundleType.TRANSACTION) {
      authorize(c, Interaction.TRANSACTION, null);
      out = c.bundles().transaction(bundle, caller(c), (interaction, type) -> authorize(c, interaction, type),
          representation);
    } else if (bundle.getType() == BundleType.BATCH) {
      authorize(c, Interaction.BATCH, null);
      out = bundles.batch(bundle, entry -> batchEntry(c, entry));
    } else {
      throw FhirException.badRequest("Bundle.type must be 'batch' or 'transaction' (got '"
          + (bundle.getType() == null ? "" : bundle.getType().toCode()) + "')");
    }
    return new ApiResponse(200, Map.of("Content-Type", Fhir.JSON_CONTENT_TYPE), Fhir.toJson(out));
  }

  /**
   * A batch entry runs exactly like a request of its own, for the same caller. Whatever goes wrong
   * in one entry stays in that entry: a 4xx for what the entry asks, a 5xx (logged) for an
   * unexpected failure, never a failed batch.
   */
  private BundleEntryComponent batchEntry(Call c, BundleEntryComponent entry) {
    ApiResponse response;
    try {
      response = runEntry(c, entry);
    } catch (FhirException e) {
      response = OperationOutcomes.of(e);
    } catch (InvalidRequestException e) {
      response = OperationOutcomes.error(400, IssueType.INVALID, e.getMessage());
    } catch (DocumentTooLargeException e) {
      response = OperationOutcomes.error(413, IssueType.TOOLONG, e.getMessage());
    } catch (SearchUnavailableException e) {
      response = OperationOutcomes.error(503, IssueType.TRANSIENT, "Search is unavailable: " + e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      response = entryFailed(entry, e);
    }
    try {
      return entryResponse(response);
    } catch (RuntimeException e) {
      return entryResponse(entryFailed(entry, e));
    }
  }

  private static ApiResponse entryFailed(BundleEntryComponent entry, Throwable e) {
    String what = entry.hasRequest() && entry.getRequest().getMethod() != null
        ? entry.getRequest().getMethod().toCode() + " " + entry.getRequest().getUrl() : "a batch entry";
    LOG.error("Batch entry {} failed", what, e);
    return OperationOutcomes.error(500, IssueType.EXCEPTION, "This entry (" + what + ") failed unexpectedly: "
        + e.getClass().getSimpleName() + "; the other entries of the batch were processed");
  }

  private ApiResponse runEntry(Call c, BundleEntryComponent entry) {
    if (!entry.hasRequest() || entry.getRequest().getMethod() == null || !entry.getRequest().hasUrl()) {
      throw FhirException.badRequest("A batch entry needs request.method and request.url");
    }
    Bundle.BundleEntryRequestComponent req = entry.getRequest();
    String url = req.getUrl();
    String query = null;
    int q = url.indexOf('?');
    if (q >= 0) {
      query = url.substring(q + 1);
      url = url.substring(0, q);
    }
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", Fhir.JSON_CONTENT_TYPE);
    if (req.hasIfMatch()) {
      headers.put("If-Match", req.getIfMatch());
    }
    if (req.hasIfNoneExist()) {
      headers.put("If-None-Exist", req.getIfNoneExist());
    }
    String body = null;
    if (entry.getResource() != null) {
      if (req.getMethod() == Bundle.HTTPVerb.PATCH && entry.getResource() instanceof Binary b) {
        body = new String(b.getData() == null ? new byte[0] : b.getData(), StandardCharsets.UTF_8);
        headers.put("Content-Type", b.getContentType());
      } else {
        body = Fhir.toJson(entry.getResource());
      }
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (query != null) {
      SearchCriteria.parse(query).parameters()
          .forEach(p -> params.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p.getValue()));
    }
    // An absolute URL must be this server's base for the caller's tenant, never applied elsewhere.
    String path = "/" + caller(c).relative(url).replaceFirst("^/+", "");
    ApiRequest sub = new ApiRequest(req.getMethod().toCode(), path, headers, params, body, c.request().baseUrl());
    List<String> segments = segments(sub.path());
    if (segments.isEmpty()) {
      throw FhirException.badRequest("Batch entries cannot be bundles themselves");
    }
    if (!segments.get(0).startsWith("_") && !resourceTypes.contains(segments.get(0))) {
      throw FhirException.notFound("Unknown resource type '" + segments.get(0) + "'");
    }
    return dispatch(new Call(sub, c.principal(), c.tenant(), segments, c.base(), c.reach(), c.in(), c.bundles()));
  }

  /** An entry's response as a batch-response entry. */
  private static BundleEntryComponent entryResponse(ApiResponse response) {
    BundleEntryComponent out = new BundleEntryComponent();
    Bundle.BundleEntryResponseComponent r = out.getResponse();
    r.setStatus(Responses.statusLine(response.status()));
    Map<String, String> h = response.headers();
    if (h.get("Location") != null) {
      r.setLocation(h.get("Location"));
    }
    if (h.get("ETag") != null) {
      r.setEtag(h.get("ETag"));
    }
    if (h.get("Last-Modified") != null) {
      r.setLastModified(Date.from(Instant.from(HTTP_DATE.parse(h.get("Last-Modified")))));
    }
    if (response.body() != null) {
      Resource body = (Resource) Fhir.jsonParser().parseResource(response.body());
      if (response.status() >= 400 && body instanceof OperationOutcome) {
        r.setOutcome(body);
      } else {
        out.setResource(body);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ search

  private ApiResponse search(Call c, String type, List<Map.Entry<String, String>> form) {
    authorize(c, Interaction.SEARCH, type);
    return runSearch(c, List.of(type), "/" + type, form);
  }

  /** GET [base]?_type=A,B&...: the common parameters across the listed types (or all types). */
  private ApiResponse systemSearch(Call c) {
    String typeParam = c.request().query("_type");
    List<String> types = new ArrayList<>();
    if (typeParam != null && !typeParam.isBlank()) {
      for (String t : typeParam.split(",")) {
        String type = t.trim();
        if (!resourceTypes.contains(type)) {
          throw FhirException.badRequest("_type: unknown resource type '" + type + "'");
        }
        authorize(c, Interaction.SEARCH, type);
        types.add(type);
      }
    } else {
      authorize(c, Interaction.SEARCH, null);
      types.addAll(new java.util.TreeSet<>(resourceTypes));
    }
    return runSearch(c, types, "", List.of());
  }

  private ApiResponse runSearch(Call c, List<String> types, String path, List<Map.Entry<String, String>> form) {
    if (search == null) {
      throw FhirException.notImplemented("Search is not configured on this server (ELASTICSEARCH_DOMAIN_ENDPOINT)");
    }
    List<Map.Entry<String, String>> parameters = new ArrayList<>();
    c.request().queryParameters().forEach((k, values) -> values.forEach(v -> parameters.add(Map.entry(k, v))));
    parameters.addAll(form);
    boolean strict = "strict".equals(preference(c.request(), "handling"));
    String body = search.search(types, parameters, strict, c.tenant(), path, c.base(),
        other -> authorize(c, Interaction.SEARCH, other), c.reach().unrestricted() ? null : c.reach()::restriction);
    return new ApiResponse(200, Map.of("Content-Type", Fhir.JSON_CONTENT_TYPE), body);
  }

  /** The parameters of a POST _search body (application/x-www-form-urlencoded). */
  private static List<Map.Entry<String, String>> formParameters(ApiRequest r) {
    if (!r.method().equals("POST") || r.body() == null || r.body().isBlank()) {
      return List.of();
    }
    String contentType = r.header("Content-Type");
    String t = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!t.equals("application/x-www-form-urlencoded")) {
      throw FhirException.unsupportedMediaType("POST _search takes application/x-www-form-urlencoded parameters, "
          + "got '" + (contentType == null ? "" : contentType) + "'");
    }
    return SearchCriteria.parse(r.body()).parameters();
  }

  // ------------------------------------------------------------------ history

  private ApiResponse history(Call c, String type, String id) {
    ApiRequest r = c.request();
    int count = DEFAULT_PAGE;
    String countParam = r.query("_count");
    if (countParam != null) {
      try {
        count = Integer.parseInt(countParam.trim());
      } catch (NumberFormatException e) {
        throw FhirException.badRequest("_count must be a positive integer, got '" + countParam + "'");
      }
      if (count < 1) {
        throw FhirException.badRequest("_count must be a positive integer, got '" + countParam + "'");
      }
      count = Math.min(count, MAX_PAGE);
    }
    Instant since = null;
    String sinceParam = r.query("_since");
    if (sinceParam != null) {
      try {
        DateTimeType t = new DateTimeType(sinceParam.trim());
        since = t.getValue().toInstant();
      } catch (RuntimeException e) {
        throw FhirException.badRequest("_since must be a FHIR instant such as 2024-01-31T12:00:00Z, got '"
            + sinceParam + "'");
      }
    }
    String page = r.query("_page");
    HistoryPage result = c.in().history(new HistoryQuery(c.tenant(), type, id, since, count, page));
    String path = (type == null ? "" : "/" + type) + (id == null ? "" : "/" + id) + "/_history";
    String base = c.base() == null ? "" : c.base();
    String common = base + path + "?_count=" + count
        + (sinceParam == null ? "" : "&_since=" + URLEncoder.encode(sinceParam, StandardCharsets.UTF_8));
    String self = common + (page == null ? "" : "&_page=" + page);
    Bundle bundle = bundles.history(result, base, self, token -> common + "&_page=" + token);
    return new ApiResponse(200, Map.of("Content-Type", Fhir.JSON_CONTENT_TYPE), Fhir.toJson(bundle));
  }

  // ------------------------------------------------------------------ responses

  private ApiResponse resource(Call c, Result result, boolean write) {
    StoredVersion v = result.version();
    Map<String, String> headers = new HashMap<>();
    if (v != null) {
      headers.put("ETag", "W/\"" + v.versionId() + "\"");
      headers.put("Last-Modified", HTTP_DATE.format(v.lastUpdated()));
      if (write) {
        String base = c.base() == null ? "" : c.base() + "/";
        headers.put(result.status() == 201 ? "Location" : "Content-Location",
            base + v.key().reference() + "/_history/" + v.versionId());
      }
    }
    String body = result.json();
    if (write) {
      String prefer = prefer(c.request());
      if ("minimal".equals(prefer)) {
        body = null;
      } else if ("OperationOutcome".equals(prefer)) {
        body = Fhir.toJson(OperationOutcomes.outcome(IssueSeverity.INFORMATION, IssueType.INFORMATIONAL,
            (result.status() == 201 ? "Created " : "Updated ") + v.key().reference() + " version " + v.versionId()));
      }
    }
    if (body != null) {
      headers.put("Content-Type", Fhir.JSON_CONTENT_TYPE);
    }
    return new ApiResponse(result.status(), headers, body);
  }

  private ApiResponse deleted(Call c, Result result) {
    Map<String, String> headers = new HashMap<>();
    if (result.version() != null) {
      headers.put("ETag", "W/\"" + result.version().versionId() + "\"");
    }
    if ("OperationOutcome".equals(prefer(c.request()))) {
      headers.put("Content-Type", Fhir.JSON_CONTENT_TYPE);
      String what = result.version() == null ? "Nothing matched; nothing was deleted"
          : "Deleted " + result.version().key().reference();
      return new ApiResponse(200, headers, Fhir.toJson(
          OperationOutcomes.outcome(IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, what)));
    }
    return new ApiResponse(204, headers, null);
  }

  // ------------------------------------------------------------------ helpers

  private void authorize(Call c, Interaction interaction, String type) {
    authorizer.authorize(c.principal(), interaction, type);
  }

  /** This server's base as the caller addressed it, and the caller's tenant: what absolute URLs may name. */
  private static ServerBase caller(Call c) {
    return new ServerBase(c.request().baseUrl(), c.tenant());
  }

  /**
   * How far the caller reaches: everything for Cognito callers (their groups decide which
   * interactions), what the scopes reach for SMART tokens. A Binary's securityContext is looked up
   * in the caller's tenant.
   */
  private Reach reach(Principal principal, String tenant) {
    if (principal.smart() == null) {
      return Reach.ALL;
    }
    return new SmartReach(principal.smart(), reference -> current(tenant, reference));
  }

  private Resource current(String tenant, String reference) {
    int slash = reference.indexOf('/');
    if (slash <= 0 || !resourceTypes.contains(reference.substring(0, slash)) || !Resources.isValidId(
        reference.substring(slash + 1))) {
      return null;
    }
    return interactions.store().current(new io.fwoa.server.storage.ResourceKey(tenant, reference.substring(0, slash),
        reference.substring(slash + 1))).filter(v -> !v.deleted() && v.json() != null).map(v -> {
          try {
            return (Resource) Fhir.jsonParser().parseResource(v.json());
          } catch (RuntimeException | StackOverflowError e) {
            return null;
          }
        }).orElse(null);
  }

  private String tenant(String pathTenant, Principal principal) {
    return config.multiTenancy() ? Tenants.of(principal, pathTenant) : null;
  }

  private static void requireMethod(String method, String allowed, Call c) {
    if (!method.equals(allowed)) {
      throw FhirException.methodNotAllowed(method + " is not allowed on /" + String.join("/", c.segments()));
    }
  }

  private static void requireCondition(boolean conditional, String method, String type) {
    if (!conditional) {
      throw FhirException.methodNotAllowed(method + " /" + type + " needs an id (" + type
          + "/<id>) or search parameters for a conditional " + method.toLowerCase(Locale.ROOT));
    }
  }

  /** Only FHIR JSON is served: Accept and _format must allow it. */
  private static void negotiate(ApiRequest r) {
    String format = r.query("_format");
    if (format != null) {
      String f = format.trim().toLowerCase(Locale.ROOT);
      if (!(f.equals("json") || JSON_TYPES.contains(f.split(";")[0].trim()))) {
        throw FhirException.notAcceptable("_format=" + format + " is not supported: this server speaks FHIR JSON only");
      }
      return;
    }
    String accept = r.header("Accept");
    if (accept == null || accept.isBlank()) {
      return;
    }
    for (String part : accept.split(",")) {
      String t = part.split(";")[0].trim().toLowerCase(Locale.ROOT);
      if (t.equals("*/*") || t.equals("application/*") || JSON_TYPES.contains(t) || t.equals(JSON_PATCH)) {
        return;
      }
    }
    throw FhirException.notAcceptable("Accept '" + accept + "' is not supported: this server produces "
        + "application/fhir+json only");
  }

  /**
   * The resource in the body. A Binary may also arrive as its raw content with its own
   * Content-Type (as FHIR allows and HAPI's client sends).
   */
  private static Resource body(ApiRequest r, String type) {
    String contentType = r.header("Content-Type");
    String t = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (type.equals("Binary") && contentType != null && !JSON_TYPES.contains(t)) {
      Binary binary = new Binary();
      binary.setContentType(contentType.split(";")[0].trim());
      byte[] data = r.body() == null ? new byte[0]
          : r.base64Body() ? java.util.Base64.getDecoder().decode(r.body()) : r.body().getBytes(StandardCharsets.UTF_8);
      binary.setData(data);
      String securityContext = r.header("X-Security-Context");
      if (securityContext != null && !securityContext.isBlank()) {
        binary.getSecurityContext().setReference(securityContext.trim());
      }
      return binary;
    }
    return Resources.parse(jsonBody(r), type);
  }

  private static String jsonBody(ApiRequest r) {
    String contentType = r.header("Content-Type");
    if (contentType != null) {
      String t = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
      if (!JSON_TYPES.contains(t)) {
        throw FhirException.unsupportedMediaType("Content-Type '" + contentType + "' is not supported: send "
            + "application/fhir+json");
      }
    }
    return r.body();
  }

  private static String patchBody(ApiRequest r) {
    String contentType = r.header("Content-Type");
    String t = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!t.equals(JSON_PATCH)) {
      throw FhirException.unsupportedMediaType("PATCH takes a JSON Patch with Content-Type " + JSON_PATCH
          + (JSON_TYPES.contains(t) ? " (FHIRPath Patch is not supported)" : "") + "; got '"
          + (contentType == null ? "" : contentType) + "'");
    }
    if (r.body() == null || r.body().isBlank()) {
      throw FhirException.badRequest("The PATCH request has no body");
    }
    return r.body();
  }

  /** A Prefer token's value ("handling" → "strict"), or null. */
  private static String preference(ApiRequest r, String name) {
    String prefer = r.header("Prefer");
    if (prefer == null) {
      return null;
    }
    for (String part : prefer.split("[,;]")) {
      String p = part.trim();
      if (p.startsWith(name + "=")) {
        return p.substring(name.length() + 1).replace("\"", "").trim().toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  /** The return preference: minimal, representation, OperationOutcome, or null. */
  private static String prefer(ApiRequest r) {
    String prefer = r.header("Prefer");
    if (prefer == null) {
      return null;
    }
    for (String part : prefer.split("[,;]")) {
      String p = part.trim();
      if (p.startsWith("return=")) {
        return p.substring("return=".length()).replace("\"", "").trim();
      }
    }
    return null;
  }

  private static String base(ApiRequest r, String pathTenant) {
    if (r.baseUrl() == null) {
      return null;
    }
    return pathTenant == null ? r.baseUrl() : r.baseUrl() + TENANT_PREFIX + pathTenant;
  }

  private static List<String> segments(String path) {
    if (path.equals("/")) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String s : path.substring(1).split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
