package io.fwoa.server.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.interaction.JsonPatch;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart (CRaC) priming: before the snapshot is taken, run the code paths every request
 * needs (routing, JSON parsing and encoding of resources, OperationOutcomes, JSON Patch) so the
 * restored function starts with loaded classes and warm HAPI model caches. Before the checkpoint
 * it also makes one storage read and fetches the token keys (connections are re-opened after
 * restore; the loaded SDK code and the cached keys survive).
 */
public final class Priming implements Resource {

  private static final Logger LOG = LoggerFactory.getLogger(Priming.class);
  private static final String SAMPLE = "{\"resourceType\":\"Patient\",\"id\":\"prime\",\"meta\":{\"versionId\":\"1\","
      + "\"lastUpdated\":\"2024-01-01T00:00:00.000Z\"},\"identifier\":[{\"system\":\"urn:fwoa\",\"value\":\"1\"}],"
      + "\"name\":[{\"family\":\"Prime\",\"given\":[\"Snap\"]}],\"birthDate\":\"2000-01-01\","
      + "\"managingOrganization\":{\"reference\":\"Organization/1\"}}";

  private final FhirApiHandler handler;

  private Priming(FhirApiHandler handler) {
    this.handler = handler;
  }

  /** Keeps a strong reference: CRaC holds resources weakly. */
  private static Priming registered;

  static synchronized void register(FhirApiHandler handler) {
    registered = new Priming(handler);
    Core.getGlobalContext().register(registered);
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    prime(handler);
    // Network is available while the snapshot is taken; connections are re-opened after restore.
    handler.api().primeStorageAndKeys();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing to refresh: SDK clients reconnect on first use and JWKS is fetched lazily.
  }

  /** Runs the warm-up; also usable without CRaC (benchmarks call it). */
  public static void prime(FhirApiHandler handler) {
    long start = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      Patient p = Fhir.jsonParser().parseResource(Patient.class, SAMPLE);
      Fhir.toJson(p);
      JsonPatch.parse("[{\"op\":\"replace\",\"path\":\"/birthDate\",\"value\":\"2001-01-01\"}]").apply(SAMPLE);
      handler.handleRequest(event("GET", "/metadata"), null);
      handler.handleRequest(event("GET", "/Patient/prime"), null);
      handler.handleRequest(event("GET", "/NoSuchType/1"), null);
    }
    LOG.info("Primed in {} ms", (System.nanoTime() - start) / 1_000_000);
  }

  private static APIGatewayProxyRequestEvent event(String method, String path) {
    return new APIGatewayProxyRequestEvent()
        .withHttpMethod(method)
        .withPath(path)
        .withHeaders(Map.of("Host", "prime.invalid", "Accept", "application/fhir+json"))
        .withRequestContext(new ProxyRequestContext().withStage("prime"));
  }
}
