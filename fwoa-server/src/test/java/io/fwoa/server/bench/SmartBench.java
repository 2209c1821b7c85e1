package io.fwoa.server.bench;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.fwoa.server.api.ApiRequest;
import io.fwoa.server.auth.Interaction;
import io.fwoa.server.auth.Principal;
import io.fwoa.server.auth.smart.SmartAuthenticator;
import io.fwoa.server.auth.smart.SmartAuthorizer;
import io.fwoa.server.auth.smart.SmartReach;
import io.fwoa.server.auth.smart.SmartTokenVerifier;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.TestIssuer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SMART on FHIR overhead. (1) Warm token validation plus authorization, in process: a patient
 * token verified against a cached JWKS (fetched once from a local HTTP server, as from an issuer),
 * its scopes checked for a search and its reach built, per request. (2) A compartment-filtered
 * search with a patient token against the same search made by a practitioner token that names the
 * patient itself, over HTTP on the local stack. Prints p50/p99 of each. Not a test.
 */
public final class SmartBench {

  private SmartBench() {}

  public static void main(String[] args) throws Exception {
    int patients = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    try (TestIssuer issuer = new TestIssuer()) {
      validation(issuer);
      search(issuer, patients, runs);
    }
  }

  private static void validation(TestIssuer issuer) throws Exception {
    String base = "http://127.0.0.1:1";
    JWKSource<SecurityContext> keys = SmartTokenVerifier.remoteKeys(
        URI.create(issuer.apiEndpoint() + "/keys").toURL());
    Set<String> types = Set.copyOf(Fhir.context().getResourceTypes());
    SmartTokenVerifier verifier = new SmartTokenVerifier(TestIssuer.ISSUER, keys, "patient", "fhirUser", null, types::contains);
    SmartAuthenticator authenticator = new SmartAuthenticator(verifier, keys, List.of());
    SmartAuthorizer authorizer = new SmartAuthorizer();
    String token = issuer.token(base, "launch/patient openid fhirUser patient/*.rs", "p1", null);
    ApiRequest request = new ApiRequest("GET", "/Observation", Map.of("Authorization", "Bearer " + token), Map.of(),
        null, base);
    int n = 20_000;
    long[] nanos = new long[n];
    for (int i = -5_000; i < n; i++) {
      long t0 = System.nanoTime();
      Principal p = authenticator.authenticate(request);
      authorizer.authorize(p, Interaction.SEARCH, "Observation");
      new SmartReach(p.smart(), ref -> null).restriction("Observation");
      long t = System.nanoTime() - t0;
      if (i >= 0) {
        nanos[i] = t;
      }
    }
    Arrays.sort(nanos);
    System.out.printf("validation: warm token verification + scope check + reach, %d requests: p50 %.3f ms, "
        + "p99 %.3f ms%n", n, nanos[n / 2] / 1e6, nanos[n * 99 / 100] / 1e6);
  }

  private static void search(TestIssuer issuer, int patients, int runs) {
    try (LocalFhirServer server = issuer.startServer(Map.of())) {
      String base = server.baseUrl();
      String system = issuer.token(base, "system/*.*", null, null);
      int perPatient = 25;
      for (int p = 0; p < patients; p++) {
        StringBuilder b = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        b.append(entry("Patient", "p" + p, "{\"resourceType\":\"Patient\",\"id\":\"p" + p + "\"}"));
        for (int o = 0; o < perPatient; o++) {
          String id = "o" + p + "-" + o;
          b.append(',').append(entry("Observation", id, "{\"resourceType\":\"Observation\",\"id\":\"" + id
              + "\",\"status\":\"final\",\"category\":[{\"coding\":[{\"code\":\"" + (o % 2 == 0 ? "vital-signs"
              : "laboratory") + "\"}]}],\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/p" + p
              + "\"}}"));
        }
        HttpResponse<String> r = Http.send("POST", base, system, "application/fhir+json", b.append("]}").toString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("load failed: " + r.body());
        }
      }
      String patient = issuer.token(base, "launch/patient patient/*.rs", "p7", null);
      String practitioner = issuer.token(base, "user/*.rs", null, "Practitioner/dr");
      double restricted = p50(base + "/Observation?category=vital-signs", patient, runs);
      double named = p50(base + "/Observation?category=vital-signs&subject=Patient/p7", practitioner, runs);
      System.out.printf("search: %d patients x %d observations; patient token (compartment filter) p50 %.2f ms, "
          + "practitioner token naming the patient p50 %.2f ms, ratio %.2f%n", patients, perPatient + 1, restricted,
          named, restricted / named);
    }
  }

  private static double p50(String url, String token, int runs) {
    long[] nanos = new long[runs];
    for (int i = -runs / 5; i < runs; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = Http.send("GET", url, token, null, null);
      long t = System.nanoTime() - t0;
      if (r.statusCode() != 200 || !r.body().contains("Patient/p7")) {
        throw new IllegalStateException(url + ": " + r.statusCode() + " " + r.body());
      }
      if (i >= 0) {
        nanos[i] = t;
      }
    }
    Arrays.sort(nanos);
    return nanos[runs / 2] / 1e6;
  }

  private static String entry(String type, String id, String resource) {
    return "{\"resource\":" + resource + ",\"request\":{\"method\":\"PUT\",\"url\":\"" + type + "/" + id + "\"}}";
  }
}
