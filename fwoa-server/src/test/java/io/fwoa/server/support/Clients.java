package io.fwoa.server.support;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.local.LocalFhirServer;

/** HAPI generic clients against the local server, as a user of the API would set them up. */
public final class Clients {

  static {
    Fhir.context().getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    Fhir.context().getRestfulClientFactory().setSocketTimeout(120_000);
  }

  private Clients() {}

  public static IGenericClient as(LocalFhirServer server, String user) {
    IGenericClient client = Fhir.context().newRestfulGenericClient(server.baseUrl());
    client.registerInterceptor(new BearerTokenAuthInterceptor(server.token(user)));
    return client;
  }

  public static IGenericClient practitioner(LocalFhirServer server) {
    return as(server, "practitioner");
  }
}
