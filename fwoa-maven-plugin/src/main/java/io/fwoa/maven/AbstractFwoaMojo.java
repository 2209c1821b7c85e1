package io.fwoa.maven;

import io.fwoa.constructs.ConfigurationException;
import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.log.EngineLog;
import io.fwoa.engine.synth.Synthesizer;
import io.fwoa.engine.toolkit.Toolkit;
import java.util.stream.Collectors;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The deployment configuration every goal shares: each POM setting has a {@code fwoa.*} user
 * property of the same name. This is the one place where POM settings become a
 * {@link FhirDeploymentConfig}.
 */
public abstract class AbstractFwoaMojo extends AbstractMojo {

  /** Deployment stage: part of stack names; {@code prod} retains data and protects the stacks. */
  @Parameter(property = "fwoa.stage", defaultValue = FhirDeploymentConfig.DEFAULT_STAGE)
  protected String stage;

  /** AWS region to deploy to. */
  @Parameter(property = "fwoa.region", defaultValue = FhirDeploymentConfig.DEFAULT_REGION)
  protected String region;

  /** AWS account id; by default the account of the credentials in use. */
  @Parameter(property = "fwoa.account")
  protected String account;

  /** SMART on FHIR: the authorization server's issuer (https). Set all three SMART endpoints, or none. */
  @Parameter(property = "fwoa.issuerEndpoint")
  protected String issuerEndpoint;

  /** SMART on FHIR: the authorization server's OAuth2 API base URL (https). */
  @Parameter(property = "fwoa.oAuth2ApiEndpoint")
  protected String oAuth2ApiEndpoint;

  /** SMART on FHIR: the patient picker URL (https). */
  @Parameter(property = "fwoa.patientPickerEndpoint")
  protected String patientPickerEndpoint;

  /**
   * SMART on FHIR: comma-separated values one of which a token's aud claim must hold (for example
   * api://default); by default the API's base URL. Needs the SMART endpoints.
   */
  @Parameter(property = "fwoa.smartAudience")
  protected String smartAudience;

  /**
   * SMART on FHIR: the claim, or dotted path into nested claims, holding the patient in context
   * (default patient; FWoA's Okta setup: ext.launch_context.patient). Needs the SMART endpoints.
   */
  @Parameter(property = "fwoa.smartPatientClaim")
  protected String smartPatientClaim;

  /** SMART on FHIR: the claim holding the user's FHIR reference (default fhirUser). Needs the SMART endpoints. */
  @Parameter(property = "fwoa.smartFhirUserClaim")
  protected String smartFhirUserClaim;

  /**
   * SMART on FHIR with multi-tenancy: the claim holding the tenant (default tenantId). Needs the
   * SMART endpoints and enableMultiTenancy.
   */
  @Parameter(property = "fwoa.smartTenantClaim")
  protected String smartTenantClaim;

  /** SMART on FHIR: the issuer's JWKS URL, https (default: oAuth2ApiEndpoint/keys). Needs the SMART endpoints. */
  @Parameter(property = "fwoa.smartJwksUri")
  protected String smartJwksUri;

  /** Deploy the fhir-service-backups-&lt;stage&gt; stack: daily AWS Backup at 05:00 UTC. */
  @Parameter(property = "fwoa.enableBackup", defaultValue = "false")
  protected boolean enableBackup;

  /** Days each daily backup is kept. */
  @Parameter(property = "fwoa.backupRetentionDays", defaultValue = "35")
  protected int backupRetentionDays;

  /**
   * What the FHIR API and stream indexer functions log (their LOG_LEVEL): error, warn, info or debug; also API
   * Gateway's execution logging (ERROR for error, else INFO).
   */
  @Parameter(property = "fwoa.logLevel", defaultValue = "error")
  protected String logLevel;

  /**
   * Multi-tenancy: the tenant is the ID token's custom:tenantId claim (1-64 letters, digits, '-' or '_'; access
   * tokens carry none), URLs may name it under /tenant/&lt;id&gt;. fwoa:run: every local user is in tenant 'local'.
   */
  @Parameter(property = "fwoa.enableMultiTenancy", defaultValue = "false")
  protected boolean enableMultiTenancy;

  /** FWoA's FHIR Subscriptions setting: not available yet in fwoa, so true fails the build saying so. */
  @Parameter(property = "fwoa.enableSubscriptions", defaultValue = "false")
  protected boolean enableSubscriptions;

  /** Delete documents from the search index on resource delete, instead of marking them deleted. */
  @Parameter(property = "fwoa.enableESHardDelete", defaultValue = "false")
  protected boolean enableESHardDelete;

  /**
   * Written resources may refer only to existing resources of this server (the FHIR server's
   * ENFORCE_REFERENTIAL_INTEGRITY); also applies to fwoa:run.
   */
  @Parameter(property = "fwoa.enforceReferentialIntegrity", defaultValue = "false")
  protected boolean enforceReferentialIntegrity;

  /** FWoA's HAPI FHIR validator setting: not available yet in fwoa, so true fails the build saying so. */
  @Parameter(property = "fwoa.useHapiValidator", defaultValue = "false")
  protected boolean useHapiValidator;

  /** FHIR version; only 4.0.1 (R4). */
  @Parameter(property = "fwoa.fhirVersion", defaultValue = "4.0.1")
  protected String fhirVersion;

  /** Callback URL of the Cognito app client (https, or http://localhost). */
  @Parameter(property = "fwoa.oauthRedirect", defaultValue = "http://localhost")
  protected String oauthRedirect;

  /** Email address subscribed to the alarm topic. */
  @Parameter(property = "fwoa.alarmEmail")
  protected String alarmEmail;

  /** Memory of the FHIR API function in MB (512..10240). */
  @Parameter(property = "fwoa.lambdaMemorySize", defaultValue = "1024")
  protected int lambdaMemorySize;

  /** Timeout of the FHIR API function in seconds (1..29, API Gateway's limit). */
  @Parameter(property = "fwoa.lambdaTimeoutSeconds", defaultValue = "28")
  protected int lambdaTimeoutSeconds;

  /** Architecture of the functions: arm64 or x86_64. */
  @Parameter(property = "fwoa.lambdaArchitecture", defaultValue = "arm64")
  protected String lambdaArchitecture;

  /** Deny binary uploads without an aws:kms server-side encryption header (FWoA's optional bucket policy). */
  @Parameter(property = "fwoa.enforceEncryptionHeaders", defaultValue = "false")
  protected boolean enforceEncryptionHeaders;

  /**
   * Where file assets are uploaded: {@code fwoa} (fwoa's own asset bucket stack, created by the
   * first deploy) or {@code cdk} (an account bootstrapped with 'cdk bootstrap').
   */
  @Parameter(property = "fwoa.toolkit", defaultValue = "fwoa")
  protected String toolkit;

  /** Bootstrap qualifier of the CDK toolkit stack, with fwoa.toolkit=cdk. */
  @Parameter(property = "fwoa.cdkQualifier", defaultValue = Toolkit.CDK_DEFAULT_QUALIFIER)
  protected String cdkQualifier;

  /** Skip this goal. */
  @Parameter(property = "fwoa.skip", defaultValue = "false")
  protected boolean skip;

  /** @return true (after logging why) when the goal should do nothing */
  protected boolean skipped() {
    if (skip) {
      getLog().info("fwoa: skipped (fwoa.skip=true)");
    }
    return skip;
  }

  /**
   * The validated configuration.
   *
   * @throws MojoFailureException listing every invalid setting with the POM element and -D property to fix
   */
  protected FhirDeploymentConfig config() throws MojoFailureException {
    FhirDeploymentConfig config = FhirDeploymentConfig.builder()
        .stage(stage)
        .region(region)
        .account(account)
        .issuerEndpoint(issuerEndpoint)
        .oAuth2ApiEndpoint(oAuth2ApiEndpoint)
        .patientPickerEndpoint(patientPickerEndpoint)
        .smartAudience(smartAudience)
        .smartPatientClaim(smartPatientClaim)
        .smartFhirUserClaim(smartFhirUserClaim)
        .smartTenantClaim(smartTenantClaim)
        .smartJwksUri(smartJwksUri)
        .enableBackup(enableBackup)
        .backupRetentionDays(backupRetentionDays)
        .logLevel(logLevel)
        .enableMultiTenancy(enableMultiTenancy)
        .enableSubscriptions(enableSubscriptions)
        .enableESHardDelete(enableESHardDelete)
        .useHapiValidator(useHapiValidator)
        .fhirVersion(fhirVersion)
        .oauthRedirect(oauthRedirect)
        .alarmEmail(alarmEmail)
        .lambdaMemorySize(lambdaMemorySize)
        .lambdaTimeoutSeconds(lambdaTimeoutSeconds)
        .lambdaArchitecture(lambdaArchitecture)
        .enforceEncryptionHeaders(enforceEncryptionHeaders)
        .enforceReferentialIntegrity(enforceReferentialIntegrity)
        .build();
    try {
      return config.validate();
    } catch (ConfigurationException e) {
      throw configurationFailure(e);
    }
  }

  /** A configuration problem as a build failure that says where to fix each setting. */
  protected static MojoFailureException configurationFailure(ConfigurationException e) {
    String details = e.getProblems().stream()
        .map(p -> "  - " + p + "\n    (fix <" + p.setting() + "> in the fwoa-maven-plugin configuration, or -Dfwoa."
            + p.setting() + "=...)")
        .collect(Collectors.joining("\n"));
    return new MojoFailureException("Invalid fwoa configuration:\n" + details, e);
  }

  /** The asset bucket choice (fwoa.toolkit). */
  protected Toolkit toolkit() throws MojoFailureException {
    try {
      return Toolkit.parse(toolkit, cdkQualifier);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("Invalid fwoa configuration: " + e.getMessage()
          + " (fix <toolkit>/<cdkQualifier>, or -Dfwoa.toolkit=fwoa)");
    }
  }

  /** The synthesizer, writing asset locations for the chosen toolkit. */
  protected Synthesizer synthesizer() throws MojoFailureException {
    return new Synthesizer(engineLog()).withAssetBucket(toolkit().bucketNameTemplate());
  }

  /** The engine's log, written to Maven's. */
  protected EngineLog engineLog() {
    Log log = getLog();
    return new EngineLog() {
      @Override
      public void info(String message) {
        log.info(message);
      }

      @Override
      public void warn(String message) {
        log.warn(message);
      }

      @Override
      public void debug(String message) {
        log.debug(message);
      }
    };
  }
}
