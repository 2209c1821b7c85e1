package io.fwoa.server.capability;

import io.fwoa.server.config.ServerConfig;
import io.fwoa.server.config.SmartSettings;
import io.fwoa.server.fhir.Fhir;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalReadStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ReferenceHandlingPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CodeableConcept;
import io.fwoa.server.search.params.ParamType;
import io.fwoa.server.search.params.SearchParam;
import io.fwoa.server.search.params.SearchParams;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * Builds the server's CapabilityStatement. It claims only what the code implements: for every R4
 * resource type read, vread, create, update (also as create), patch (JSON Patch), delete, instance
 * and type history, conditional create/update/delete/patch; at system level transaction, batch
 * and history. With search configured: search-type on every type with exactly the search
 * parameters fwoa indexes (every R4 parameter of the type except the "special" ones and composites
 * whose parts cannot be placed), their _include/_revinclude targets, and system search.
 */
public final class CapabilityStatements {

  static final String SOFTWARE_NAME = "fwoa";
  private static final String SMART_SECURITY_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/restful-security-service";
  private static final String OAUTH_URIS =
      "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

  private final ServerConfig config;
  private final Date published;
  private final boolean search;

  public CapabilityStatements(ServerConfig config) {
    this(config, false);
  }

  public CapabilityStatements(ServerConfig config, boolean search) {
    this.config = config;
    this.published = new Date();
    this.search = search;
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
    cs.addPatchFormat("application/json-patch+json");
    rest.addInteraction().setCode(SystemRestfulInteraction.TRANSACTION)
        .setDocumentation("All-or-nothing, up to " + config.maxTransactionEntries() + " entries");
    rest.addInteraction().setCode(SystemRestfulInteraction.BATCH)
        .setDocumentation("Up to " + config.maxTransactionEntries() + " entries");
    rest.addInteraction().setCode(SystemRestfulInteraction.HISTORYSYSTEM);
    if (search) {
      rest.addInteraction().setCode(SystemRestfulInteraction.SEARCHSYSTEM)
          .setDocumentation("_type and the parameters common to the listed types");
    }
    List<String> types = new ArrayList<>(Fhir.context().getResourceTypes());
    Collections.sort(types);
    for (String type : types) {
      CapabilityStatementRestResourceComponent r = rest.addResource().setType(type);
      for (TypeRestfulInteraction i : INTERACTIONS) {
        r.addInteraction().setCode(i);
      }
      r.setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE);
      r.setReadHistory(true);
      r.setUpdateCreate(true);
      r.setConditionalCreate(true);
      r.setConditionalRead(ConditionalReadStatus.NOTSUPPORTED);
      r.setConditionalUpdate(true);
      r.setConditionalDelete(ConditionalDeleteStatus.SINGLE);
      r.addReferencePolicy(ReferenceHandlingPolicy.LITERAL);
      r.addReferencePolicy(ReferenceHandlingPolicy.LOCAL);
      if (search) {
        r.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        searchParams(r, type);
        r.setDocumentation("Search: every listed parameter with its modifiers and prefixes, chains, _has, "
            + "_sort, _count, _total, _summary, _elements, _include/_revinclude (:iterate), GET and POST _search. "
            + "Conditional operations accept any listed search parameter.");
      } else {
        r.setDocumentation("Conditional operations accept the search parameters _id and identifier");
      }
    }
    return cs;
  }

  private static void searchParams(CapabilityStatementRestResourceComponent r, String type) {
    r.addSearchInclude("*");
    r.addSearchRevInclude("*");
    for (SearchParam p : SearchParams.of(type).values()) {
      CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent sp = r.addSearchParam()
          .setName(p.name()).setType(Enumerations.SearchParamType.fromCode(p.type().code()));
      if (p.definition() != null) {
        sp.setDefinition(p.definition());
      }
      if (p.description() != null && !p.description().isBlank()) {
        sp.setDocumentation(p.description());
      }
      if (p.type() == ParamType.REFERENCE) {
        r.addSearchInclude(type + ":" + p.name());
      }
    }
    for (String other : Fhir.context().getResourceTypes()) {
      for (SearchParam p : SearchParams.of(other).values()) {
        if (p.type() == ParamType.REFERENCE && (p.targets().isEmpty() || p.targets().contains(type))) {
          r.addSearchRevInclude(other + ":" + p.name());
        }
      }
    }
  }

  private static final List<TypeRestfulInteraction> INTERACTIONS = List.of(
      TypeRestfulInteraction.READ, TypeRestfulInteraction.VREAD, TypeRestfulInteraction.UPDATE,
      TypeRestfulInteraction.PATCH, TypeRestfulInteraction.DELETE, TypeRestfulInteraction.HISTORYINSTANCE,
      TypeRestfulInteraction.HISTORYTYPE, TypeRestfulInteraction.CREATE);

  private CapabilityStatementRestSecurityComponent security() {
    CapabilityStatementRestSecurityComponent security = new CapabilityStatementRestSecurityComponent();
    security.setCors(false);
    if (config.smart()) {
      security.addService(service("SMART-on-FHIR"));
      config.smartSettings().ifPresent(smart -> smartSecurity(security, smart));
    } else {
      security.addService(service("OAuth"));
      security.setDescription("Send an Amazon Cognito token as 'Authorization: Bearer <token>' and the API key as 'x-api-key'");
    }
    return security;
  }

  /**
   * SMART on FHIR: the oauth-uris extension gives the endpoints apps use, the same as the
   * discovery document's ({@link SmartConfiguration}), so through the patient picker when there
   * is one; the description says what the server checks.
   */
  private static void smartSecurity(CapabilityStatementRestSecurityComponent security, SmartSettings smart) {
    Extension oauth = security.addExtension().setUrl(OAUTH_URIS);
    oauth.addExtension("authorize", new UriType(smart.authorizeEndpoint()));
    oauth.addExtension("token", new UriType(smart.tokenEndpoint()));
    security.setDescription("SMART on FHIR (App Launch 1.0 and 2.x scopes; discovery at "
        + ".well-known/smart-configuration): send an access token issued by " + smart.issuer()
        + " as 'Authorization: Bearer <token>' (and, behind API Gateway, the API key as 'x-api-key'). The "
        + "server verifies its RS256 or ES256 signature against " + smart.jwksUri() + ", its issuer, audience "
        + "and expiry, and allows what its patient/, user/ and system/ scopes grant (v1 read/write, v2 cruds "
        + "and granular queries; patient/ scopes within the compartment of the patient in context).");
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
