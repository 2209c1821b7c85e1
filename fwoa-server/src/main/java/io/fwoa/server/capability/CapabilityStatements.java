package io.fwoa.server.capability;

import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.fhir.Fhir;
import java.util.Date;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * Builds the server's CapabilityStatement. It claims only what the code implements: at this stage
 * of the runtime that is the capabilities interaction itself, so it lists no resource types.
 */
public final class CapabilityStatements {

  static final String SOFTWARE_NAME = "fwoa";
  private static final String SMART_SECURITY_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/restful-security-service";
  private static final String OAUTH_URIS =
      "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

  private final ServerConfig config;
  private final Date published;

  public CapabilityStatements(ServerConfig config) {
    this.config = config;
    this.published = new Date();
  }

  public CapabilityStatement build(String baseUrl) {
    CapabilityStatement cs = new CapabilityStatement();
    cs.setStatus(PublicationStatus.ACTIVE);
    cs.setDate(published);
    cs.setKind(CapabilityStatementKind.INSTANCE);
    cs.setFhirVersion(FHIRVersion.fromCode(Fhir.FHIR_VERSION));
    cs.addFormat("json");
    cs.getSoftware().setName(SOFTWARE_NAME).setVersion(version());
    cs.getImplementation().setDescription("FHIR Works on AWS (fwoa) FHIR R4 server");
    if (baseUrl != null) {
      cs.getImplementation().setUrl(baseUrl);
    }
    CapabilityStatementRestComponent rest = cs.addRest().setMode(RestfulCapabilityMode.SERVER);
    rest.setSecurity(security());
    return cs;
  }

  private CapabilityStatementRestSecurityComponent security() {
    CapabilityStatementRestSecurityComponent security = new CapabilityStatementRestSecurityComponent();
    security.setCors(false);
    if (config.smart()) {
      security.addService(service("SMART-on-FHIR"));
      security.setDescription("SMART on FHIR: send a bearer token issued by the configured authorization server");
      Extension oauth = security.addExtension().setUrl(OAUTH_URIS);
      config.oAuth2ApiEndpoint().ifPresent(base -> {
        oauth.addExtension("authorize", new UriType(base + "/authorize"));
        oauth.addExtension("token", new UriType(base + "/token"));
      });
    } else {
      security.addService(service("OAuth"));
      security.setDescription("Send an Amazon Cognito token as 'Authorization: Bearer <token>' and the API key as 'x-api-key'");
    }
    return security;
  }

  private static CodeableConcept service(String code) {
    CodeableConcept service = new CodeableConcept();
    service.addCoding().setSystem(SMART_SECURITY_SYSTEM).setCode(code);
    return service;
  }

  private static String version() {
    String v = CapabilityStatements.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
