package io.fwoa.constructs;

import io.fwoa.constructs.ConfigurationException.Problem;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The whole configuration of a fwoa deployment, the Java equivalent of FWoA's CDK context values.
 * Setting names here are the names users write in the POM ({@code <stage>}) and after
 * {@code -Dfwoa.}; {@link #validate()} reports every invalid one at once.
 */
public final class FhirDeploymentConfig {

  public static final String DEFAULT_STAGE = "dev";
  public static final String DEFAULT_REGION = "us-west-2";
  public static final String PRODUCTION_STAGE = "prod";
  public static final List<String> FHIR_VERSIONS = List.of("4.0.1");
  public static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug");
  public static final List<String> ARCHITECTURES = List.of("arm64", "x86_64");

  private static final Pattern STAGE = Pattern.compile("[a-z][a-z0-9-]{0,14}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Set<String> LOCALHOSTS = Set.of("localhost", "127.0.0.1");

  private final String stage;
  private final String region;
  private final String account;
  private final String issuerEndpoint;
  private final String oAuth2ApiEndpoint;
  private final String patientPickerEndpoint;
  private final String smartAudience;
  private final String smartPatientClaim;
  private final String smartFhirUserClaim;
  private final String smartTenantClaim;
  private final String smartJwksUri;
  private final boolean enableBackup;
  private final String logLevel;
  private final boolean enableMultiTenancy;
  private final boolean enableSubscriptions;
  private final boolean enableESHardDelete;
  private final boolean useHapiValidator;
  private final String fhirVersion;
  private final String oauthRedirect;
  private final String alarmEmail;
  private final int lambdaMemorySize;
  private final int lambdaTimeoutSeconds;
  private final String lambdaArchitecture;
  private final boolean enforceEncryptionHeaders;
  private final boolean enforceReferentialIntegrity;
  private final int backupRetentionDays;

  private FhirDeploymentConfig(Builder b) {
    this.stage = orDefault(b.stage, DEFAULT_STAGE);
    this.region = orDefault(b.region, DEFAULT_REGION);
    this.account = blankToNull(b.account);
    this.issuerEndpoint = blankToNull(b.issuerEndpoint);
    this.oAuth2ApiEndpoint = blankToNull(b.oAuth2ApiEndpoint);
    this.patientPickerEndpoint = blankToNull(b.patientPickerEndpoint);
    this.smartAudience = blankToNull(b.smartAudience);
    this.smartPatientClaim = blankToNull(b.smartPatientClaim);
    this.smartFhirUserClaim = blankToNull(b.smartFhirUserClaim);
    this.smartTenantClaim = blankToNull(b.smartTenantClaim);
    this.smartJwksUri = blankToNull(b.smartJwksUri);
    this.enableBackup = b.enableBackup;
    this.logLevel = orDefault(b.logLevel, "error").toLowerCase(Locale.ROOT);
    this.enableMultiTenancy = b.enableMultiTenancy;
    this.enableSubscriptions = b.enableSubscriptions;
    this.enableESHardDelete = b.enableESHardDelete;
    this.useHapiValidator = b.useHapiValidator;
    this.fhirVersion = orDefault(b.fhirVersion, FHIR_VERSIONS.get(0));
    this.oauthRedirect = orDefault(b.oauthRedirect, "http://localhost");
    this.alarmEmail = blankToNull(b.alarmEmail);
    this.lambdaMemorySize = b.lambdaMemorySize == null ? 1024 : b.lambdaMemorySize;
    this.lambdaTimeoutSeconds = b.lambdaTimeoutSeconds == null ? 28 : b.lambdaTimeoutSeconds;
    this.lambdaArchitecture = orDefault(b.lambdaArchitecture, "arm64");
    this.enforceEncryptionHeaders = b.enforceEncryptionHeaders;
    this.enforceReferentialIntegrity = b.enforceReferentialIntegrity;
    this.backupRetentionDays = b.backupRetentionDays == null ? 35 : b.backupRetentionDays;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every problem with this configuration; empty when it can be deployed. */
  public List<Problem> problems() {
    List<Problem> problems = new ArrayList<>();
    if (!STAGE.matcher(stage).matches() || stage.endsWith("-")) {
      problems.add(new Problem("stage", "'" + stage + "' is not a valid stage: use 1-15 lowercase letters, digits "
          + "or hyphens, starting with a letter (it becomes part of stack, API and search domain names)"));
    }
    if (!REGION.matcher(region).matches()) {
      problems.add(new Problem("region", "'" + region + "' is not an AWS region code (for example us-west-2)"));
    }
    if (account != null && !ACCOUNT.matcher(account).matches()) {
      problems.add(new Problem("account", "'" + account + "' is not a 12-digit AWS account id"));
    }
    smartProblems(problems);
    notAvailableYet("enableSubscriptions", enableSubscriptions, "FHIR Subscriptions", problems);
    notAvailableYet("useHapiValidator", useHapiValidator, "profile validation with the HAPI FHIR validator", problems);
    oneOf("logLevel", logLevel, LOG_LEVELS, problems);
    oneOf("fhirVersion", fhirVersion, FHIR_VERSIONS, problems);
    oneOf("lambdaArchitecture", lambdaArchitecture, ARCHITECTURES, problems);
    checkRedirect(problems);
    if (alarmEmail != null && !EMAIL.matcher(alarmEmail).matches()) {
      problems.add(new Problem("alarmEmail", "'" + alarmEmail + "' is not an email address"));
    }
    if (lambdaMemorySize < 512 || lambdaMemorySize > 10240) {
      problems.add(new Problem("lambdaMemorySize", lambdaMemorySize
          + " MB is outside 512..10240 MB (a Java FHIR server needs at least 512 MB)"));
    }
    if (lambdaTimeoutSeconds < 1 || lambdaTimeoutSeconds > 29) {
      problems.add(new Problem("lambdaTimeoutSeconds", lambdaTimeoutSeconds + " s is outside 1..29 s: API Gateway "
          + "ends every request after 29 s, so a longer timeout returns a gateway error instead of a FHIR OperationOutcome"));
    }
    if (backupRetentionDays < 1) {
      problems.add(new Problem("backupRetentionDays", backupRetentionDays + " must be at least 1 day"));
    }
    return problems;
  }

  /** @throws ConfigurationException listing every problem */
  public FhirDeploymentConfig validate() {
    List<Problem> problems = problems();
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return this;
  }

  /**
   * With SMART on, the checks of {@link SmartAuth}; with SMART off, each SMART setting that is set
   * anyway, since nothing would read it. The tenant claim is read only with multi-tenancy.
   */
  private void smartProblems(List<Problem> problems) {
    if (isSmart()) {
      problems.addAll(smartAuthBuilder().problems());
      if (smartTenantClaim != null && !enableMultiTenancy) {
        problems.add(new Problem(SmartAuth.TENANT_CLAIM, "'" + smartTenantClaim + "' names the tenant claim, which "
            + "the server reads only with multi-tenancy: set enableMultiTenancy=true, or remove it"));
      }
      return;
    }
    String[][] settings = {{SmartAuth.AUDIENCE, smartAudience}, {SmartAuth.PATIENT_CLAIM, smartPatientClaim},
        {SmartAuth.FHIR_USER_CLAIM, smartFhirUserClaim}, {SmartAuth.TENANT_CLAIM, smartTenantClaim},
        {SmartAuth.JWKS_URI, smartJwksUri}};
    for (String[] setting : settings) {
      if (setting[1] != null) {
        problems.add(new Problem(setting[0], "is a SMART on FHIR setting, but SMART on FHIR is off: set "
            + "issuerEndpoint, oAuth2ApiEndpoint and patientPickerEndpoint too, or remove it"));
      }
    }
  }

  private SmartAuth.Builder smartAuthBuilder() {
    return SmartAuth.builder().issuerEndpoint(issuerEndpoint).oAuth2ApiEndpoint(oAuth2ApiEndpoint)
        .patientPickerEndpoint(patientPickerEndpoint).audiences(SmartAuth.audiences(smartAudience))
        .patientClaim(smartPatientClaim).fhirUserClaim(smartFhirUserClaim).tenantClaim(smartTenantClaim)
        .jwksUri(smartJwksUri);
  }

  /** A setting FWoA had for a feature fwoa does not have yet: accepting it would promise what nothing does. */
  private static void notAvailableYet(String setting, boolean requested, String feature, List<Problem> problems) {
    if (requested) {
      problems.add(new Problem(setting, "'true' asks for " + feature + ", which is not available yet in fwoa: "
          + "remove the setting (or set it to false)"));
    }
  }

  private static void oneOf(String setting, String value, List<String> valid, List<Problem> problems) {
    if (!valid.contains(value)) {
      problems.add(new Problem(setting, "'" + value + "' is not supported; valid values: " + String.join(", ", valid)));
    }
  }

  private void checkRedirect(List<Problem> problems) {
    // Cognito accepts http callback URLs for localhost only.
    try {
      URI uri = new URI(oauthRedirect);
      boolean https = "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null;
      boolean localHttp = "http".equalsIgnoreCase(uri.getScheme()) && LOCALHOSTS.contains(uri.getHost());
      if (!https && !localHttp) {
        problems.add(new Problem("oauthRedirect", "'" + oauthRedirect
            + "' must be an https:// URL (http:// is allowed for localhost only)"));
      }
    } catch (Exception e) {
      problems.add(new Problem("oauthRedirect", "'" + oauthRedirect + "' is not a valid URL"));
    }
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Production settings apply: data stores, keys and the user pool survive stack deletion. */
  public boolean isProduction() {
    return PRODUCTION_STAGE.equals(stage);
  }

  /** The development stage: small search domain and OpenSearch Dashboards. */
  public boolean isDev() {
    return DEFAULT_STAGE.equals(stage);
  }

  /**
   * SMART on FHIR is on when any SMART endpoint is set (then all three are required); the other
   * SMART settings do not turn it on (alone, they are a problem).
   */
  public boolean isSmart() {
    return issuerEndpoint != null || oAuth2ApiEndpoint != null || patientPickerEndpoint != null;
  }

  /**
   * The SMART settings for {@link FhirServiceProps}, or null with SMART off.
   *
   * @throws ConfigurationException if they are invalid
   */
  public SmartAuth smartAuth() {
    return isSmart() ? smartAuthBuilder().build() : null;
  }

  public String serviceStackName() {
    return "fhir-service-" + stage;
  }

  public String backupStackName() {
    return "fhir-service-backups-" + stage;
  }

  public String getStage() {
    return stage;
  }

  public String getRegion() {
    return region;
  }

  /** Target account, or null to use the account of the deploying credentials. */
  public String getAccount() {
    return account;
  }

  public String getIssuerEndpoint() {
    return issuerEndpoint;
  }

  public String getOAuth2ApiEndpoint() {
    return oAuth2ApiEndpoint;
  }

  public String getPatientPickerEndpoint() {
    return patientPickerEndpoint;
  }

  /** SMART: comma-separated values one of which a token's aud must hold, or null (the API's base URL). */
  public String getSmartAudience() {
    return smartAudience;
  }

  /** SMART: the claim (or dotted path) holding the patient in context, or null (server default). */
  public String getSmartPatientClaim() {
    return smartPatientClaim;
  }

  /** SMART: the claim holding the user's FHIR reference, or null (server default). */
  public String getSmartFhirUserClaim() {
    return smartFhirUserClaim;
  }

  /** SMART with multi-tenancy: the claim holding the tenant, or null (server default). */
  public String getSmartTenantClaim() {
    return smartTenantClaim;
  }

  /** SMART: the issuer's JWKS URL, or null (the OAuth2 API's /keys). */
  public String getSmartJwksUri() {
    return smartJwksUri;
  }

  public boolean isEnableBackup() {
    return enableBackup;
  }

  public String getLogLevel() {
    return logLevel;
  }

  public boolean isEnableMultiTenancy() {
    return enableMultiTenancy;
  }

  /** FHIR Subscriptions: not available yet (true is a configuration problem). */
  public boolean isEnableSubscriptions() {
    return enableSubscriptions;
  }

  public boolean isEnableESHardDelete() {
    return enableESHardDelete;
  }

  /** Profile validation with the HAPI FHIR validator: not available yet (true is a configuration problem). */
  public boolean isUseHapiValidator() {
    return useHapiValidator;
  }

  public String getFhirVersion() {
    return fhirVersion;
  }

  public String getOauthRedirect() {
    return oauthRedirect;
  }

  public String getAlarmEmail() {
    return alarmEmail;
  }

  public int getLambdaMemorySize() {
    return lambdaMemorySize;
  }

  public int getLambdaTimeoutSeconds() {
    return lambdaTimeoutSeconds;
  }

  public String getLambdaArchitecture() {
    return lambdaArchitecture;
  }

  public boolean isEnforceEncryptionHeaders() {
    return enforceEncryptionHeaders;
  }

  public boolean isEnforceReferentialIntegrity() {
    return enforceReferentialIntegrity;
  }

  public int getBackupRetentionDays() {
    return backupRetentionDays;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FhirDeploymentConfig c && toString().equals(c.toString());
  }

  @Override
  public int hashCode() {
    return Objects.hash(toString());
  }

  @Override
  public String toString() {
    return "FhirDeploymentConfig{stage=" + stage + ", region=" + region + ", account=" + account
        + ", smart=" + isSmart() + ", issuerEndpoint=" + issuerEndpoint + ", oAuth2ApiEndpoint=" + oAuth2ApiEndpoint
        + ", patientPickerEndpoint=" + patientPickerEndpoint + ", smartAudience=" + smartAudience
        + ", smartPatientClaim=" + smartPatientClaim + ", smartFhirUserClaim=" + smartFhirUserClaim
        + ", smartTenantClaim=" + smartTenantClaim + ", smartJwksUri=" + smartJwksUri + ", enableBackup=" + enableBackup
        + ", logLevel=" + logLevel + ", enableMultiTenancy=" + enableMultiTenancy
        + ", enableSubscriptions=" + enableSubscriptions + ", enableESHardDelete=" + enableESHardDelete
        + ", useHapiValidator=" + useHapiValidator + ", fhirVersion=" + fhirVersion
        + ", oauthRedirect=" + oauthRedirect + ", alarmEmail=" + alarmEmail + ", lambdaMemorySize=" + lambdaMemorySize
        + ", lambdaTimeoutSeconds=" + lambdaTimeoutSeconds + ", lambdaArchitecture=" + lambdaArchitecture
        + ", enforceEncryptionHeaders=" + enforceEncryptionHeaders + ", backupRetentionDays=" + backupRetentionDays
        + ", enforceReferentialIntegrity=" + enforceReferentialIntegrity + "}";
  }

  public static final class Builder {
    private String stage;
    private String region;
    private String account;
    private String issuerEndpoint;
    private String oAuth2ApiEndpoint;
    private String patientPickerEndpoint;
    private String smartAudience;
    private String smartPatientClaim;
    private String smartFhirUserClaim;
    private String smartTenantClaim;
    private String smartJwksUri;
    private boolean enableBackup;
    private String logLevel;
    private boolean enableMultiTenancy;
    private boolean enableSubscriptions;
    private boolean enableESHardDelete;
    private boolean useHapiValidator;
    private String fhirVersion;
    private String oauthRedirect;
    private String alarmEmail;
    private Integer lambdaMemorySize;
    private Integer lambdaTimeoutSeconds;
    private String lambdaArchitecture;
    private boolean enforceEncryptionHeaders;
    private boolean enforceReferentialIntegrity;
    private Integer backupRetentionDays;

    private Builder() {}

    /** Stage name (default dev); "prod" retains data and enables termination protection. */
    public Builder stage(String stage) {
      this.stage = stage;
      return this;
    }

    /** AWS region (default us-west-2). */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** AWS account id; default: the account of the deploying credentials. */
    public Builder account(String account) {
      this.account = account;
      return this;
    }

    public Builder issuerEndpoint(String issuerEndpoint) {
      this.issuerEndpoint = issuerEndpoint;
      return this;
    }

    public Builder oAuth2ApiEndpoint(String oAuth2ApiEndpoint) {
      this.oAuth2ApiEndpoint = oAuth2ApiEndpoint;
      return this;
    }

    public Builder patientPickerEndpoint(String patientPickerEndpoint) {
      this.patientPickerEndpoint = patientPickerEndpoint;
      return this;
    }

    /** SMART: comma-separated values one of which a token's aud must hold (default: the API's base URL). */
    public Builder smartAudience(String smartAudience) {
      this.smartAudience = smartAudience;
      return this;
    }

    /** SMART: the claim or dotted path holding the patient in context (default patient). */
    public Builder smartPatientClaim(String smartPatientClaim) {
      this.smartPatientClaim = smartPatientClaim;
      return this;
    }

    /** SMART: the claim holding the user's FHIR reference (default fhirUser). */
    public Builder smartFhirUserClaim(String smartFhirUserClaim) {
      this.smartFhirUserClaim = smartFhirUserClaim;
      return this;
    }

    /** SMART with multi-tenancy: the claim holding the tenant (default tenantId). */
    public Builder smartTenantClaim(String smartTenantClaim) {
      this.smartTenantClaim = smartTenantClaim;
      return this;
    }

    /** SMART: the issuer's JWKS URL, https (default: the OAuth2 API's /keys). */
    public Builder smartJwksUri(String smartJwksUri) {
      this.smartJwksUri = smartJwksUri;
      return this;
    }

    /** Deploy the fhir-service-backups-&lt;stage&gt; stack with a daily AWS Backup plan. */
    public Builder enableBackup(boolean enableBackup) {
      this.enableBackup = enableBackup;
      return this;
    }

    /** error (default), warn, info or debug. */
    public Builder logLevel(String logLevel) {
      this.logLevel = logLevel;
      return this;
    }

    public Builder enableMultiTenancy(boolean enableMultiTenancy) {
      this.enableMultiTenancy = enableMultiTenancy;
      return this;
    }

    /** FWoA's setting; fwoa has no Subscriptions yet, so true fails {@link FhirDeploymentConfig#validate()}. */
    public Builder enableSubscriptions(boolean enableSubscriptions) {
      this.enableSubscriptions = enableSubscriptions;
      return this;
    }

    public Builder enableESHardDelete(boolean enableESHardDelete) {
      this.enableESHardDelete = enableESHardDelete;
      return this;
    }

    /** FWoA's setting; fwoa has no HAPI validator yet, so true fails {@link FhirDeploymentConfig#validate()}. */
    public Builder useHapiValidator(boolean useHapiValidator) {
      this.useHapiValidator = useHapiValidator;
      return this;
    }

    /** Only 4.0.1 (FHIR R4). */
    public Builder fhirVersion(String fhirVersion) {
      this.fhirVersion = fhirVersion;
      return this;
    }

    public Builder oauthRedirect(String oauthRedirect) {
      this.oauthRedirect = oauthRedirect;
      return this;
    }

    public Builder alarmEmail(String alarmEmail) {
      this.alarmEmail = alarmEmail;
      return this;
    }

    public Builder lambdaMemorySize(Integer lambdaMemorySize) {
      this.lambdaMemorySize = lambdaMemorySize;
      return this;
    }

    public Builder lambdaTimeoutSeconds(Integer lambdaTimeoutSeconds) {
      this.lambdaTimeoutSeconds = lambdaTimeoutSeconds;
      return this;
    }

    public Builder lambdaArchitecture(String lambdaArchitecture) {
      this.lambdaArchitecture = lambdaArchitecture;
      return this;
    }

    public Builder enforceEncryptionHeaders(boolean enforceEncryptionHeaders) {
      this.enforceEncryptionHeaders = enforceEncryptionHeaders;
      return this;
    }

    /** Written resources may refer only to existing resources of this server (default false). */
    public Builder enforceReferentialIntegrity(boolean enforceReferentialIntegrity) {
      this.enforceReferentialIntegrity = enforceReferentialIntegrity;
      return this;
    }

    public Builder backupRetentionDays(Integer backupRetentionDays) {
      this.backupRetentionDays = backupRetentionDays;
      return this;
    }

    public FhirDeploymentConfig build() {
      return new FhirDeploymentConfig(this);
    }
  }
}
