package io.fwoa.constructs;

import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Properties of {@link FhirService}. Every property has a secure default; only {@code stage} is
 * required.
 */
public final class FhirServiceProps {

  /** API Gateway's integration timeout: a longer function would be cut off without a FHIR error. */
  public static final Duration MAX_TIMEOUT = Duration.seconds(29);

  private final String stage;
  private final Code code;
  private final Architecture architecture;
  private final int memorySize;
  private final Duration timeout;
  private final String logLevel;
  private final RemovalPolicy removalPolicy;
  private final SmartAuth smart;
  private final String oauthRedirect;
  private final boolean enableMultiTenancy;
  private final boolean enforceEncryptionHeaders;
  private final boolean enforceReferentialIntegrity;
  private final RetentionDays logRetention;
  private final boolean threatProtection;
  private final EndpointType endpointType;
  private final int throttleRateLimit;
  private final int throttleBurstLimit;

  private FhirServiceProps(Builder b) {
    this.stage = Objects.requireNonNull(b.stage, "stage is required");
    this.code = b.code;
    this.architecture = b.architecture == null ? Architecture.ARM_64 : b.architecture;
    this.memorySize = b.memorySize == null ? 1024 : b.memorySize;
    this.timeout = b.timeout == null ? Duration.seconds(28) : b.timeout;
    this.logLevel = b.logLevel == null ? "error" : b.logLevel;
    this.removalPolicy = b.removalPolicy == null ? RemovalPolicy.RETAIN : b.removalPolicy;
    this.smart = b.smart;
    this.oauthRedirect = b.oauthRedirect == null ? "http://localhost" : b.oauthRedirect;
    this.enableMultiTenancy = b.enableMultiTenancy;
    this.enforceEncryptionHeaders = b.enforceEncryptionHeaders;
    this.enforceReferentialIntegrity = b.enforceReferentialIntegrity;
    this.logRetention = b.logRetention == null ? RetentionDays.TEN_YEARS : b.logRetention;
    this.threatProtection = b.threatProtection == null || b.threatProtection;
    this.endpointType = b.endpointType == null ? EndpointType.EDGE : b.endpointType;
    this.throttleRateLimit = b.throttleRateLimit == null ? 50 : b.throttleRateLimit;
    this.throttleBurstLimit = b.throttleBurstLimit == null ? 100 : b.throttleBurstLimit;
    if (smart != null && smart.getTenantClaim() != null && !enableMultiTenancy) {
      throw ConfigurationException.of(SmartAuth.TENANT_CLAIM, "'" + smart.getTenantClaim() + "' names the tenant "
          + "claim, which the server reads only with multi-tenancy: set enableMultiTenancy=true, or remove it");
    }
    if (memorySize < 512 || memorySize > 10240) {
      throw ConfigurationException.of("lambdaMemorySize",
          memorySize + " MB is outside 512..10240 MB (a Java FHIR server needs at least 512 MB)");
    }
    if (timeout.toSeconds().doubleValue() < 1 || timeout.toSeconds().doubleValue() > MAX_TIMEOUT.toSeconds().doubleValue()) {
      throw ConfigurationException.of("lambdaTimeoutSeconds", timeout.toSeconds()
          + " s is outside 1..29 s: API Gateway ends every request after 29 s, so a longer timeout"
          + " would return a gateway error instead of a FHIR OperationOutcome");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String getStage() {
    return stage;
  }

  /** Lambda code; null means the bundled fwoa-server ({@link ServerCode#bundled()}). */
  public Code getCode() {
    return code;
  }

  public Architecture getArchitecture() {
    return architecture;
  }

  public int getMemorySize() {
    return memorySize;
  }

  public Duration getTimeout() {
    return timeout;
  }

  public String getLogLevel() {
    return logLevel;
  }

  public RemovalPolicy getRemovalPolicy() {
    return removalPolicy;
  }

  /** SMART on FHIR settings, or null for the Cognito user pool and authorizer. */
  public SmartAuth getSmart() {
    return smart;
  }

  public String getOauthRedirect() {
    return oauthRedirect;
  }

  public boolean isEnableMultiTenancy() {
    return enableMultiTenancy;
  }

  public boolean isEnforceEncryptionHeaders() {
    return enforceEncryptionHeaders;
  }

  public boolean isEnforceReferentialIntegrity() {
    return enforceReferentialIntegrity;
  }

  public RetentionDays getLogRetention() {
    return logRetention;
  }

  public boolean isThreatProtection() {
    return threatProtection;
  }

  public EndpointType getEndpointType() {
    return endpointType;
  }

  public int getThrottleRateLimit() {
    return throttleRateLimit;
  }

  public int getThrottleBurstLimit() {
    return throttleBurstLimit;
  }

  public static final class Builder {
    private String stage;
    private Code code;
    private Architecture architecture;
    private Integer memorySize;
    private Duration timeout;
    private String logLevel;
    private RemovalPolicy removalPolicy;
    private SmartAuth smart;
    private String oauthRedirect;
    private boolean enableMultiTenancy;
    private boolean enforceEncryptionHeaders;
    private boolean enforceReferentialIntegrity;
    private RetentionDays logRetention;
    private Boolean threatProtection;
    private EndpointType endpointType;
    private Integer throttleRateLimit;
    private Integer throttleBurstLimit;

    private Builder() {}

    /** Deployment stage, used in resource names (API, usage plan, API key). Required. */
    public Builder stage(String stage) {
      this.stage = stage;
      return this;
    }

    /** Lambda code of the FHIR server. Default: the bundled fwoa-server. */
    public Builder code(Code code) {
      this.code = code;
      return this;
    }

    /** Default: ARM_64 (Graviton: cheaper per ms, SnapStart supported). */
    public Builder architecture(Architecture architecture) {
      this.architecture = architecture;
      return this;
    }

    /** Function memory in MB. Default 1024. */
    public Builder memorySize(int memorySize) {
      this.memorySize = memorySize;
      return this;
    }

    /** Function timeout, at most 29 s (API Gateway's limit). Default 28 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** LOG_LEVEL of the FHIR server: error, warn, info or debug. Default error. */
    public Builder logLevel(String logLevel) {
      this.logLevel = logLevel;
      return this;
    }

    /** What happens to data stores, keys and the user pool when the stack is deleted. Default RETAIN. */
    public Builder removalPolicy(RemovalPolicy removalPolicy) {
      this.removalPolicy = removalPolicy;
      return this;
    }

    /** SMART on FHIR authorization instead of Cognito. Default: Cognito. */
    public Builder smart(SmartAuth smart) {
      this.smart = smart;
      return this;
    }

    /** Cognito app client callback URL. Default http://localhost (as FWoA). */
    public Builder oauthRedirect(String oauthRedirect) {
      this.oauthRedirect = oauthRedirect;
      return this;
    }

    public Builder enableMultiTenancy(boolean enableMultiTenancy) {
      this.enableMultiTenancy = enableMultiTenancy;
      return this;
    }

    /**
     * Adds the binary bucket policy from FWoA's install guide that denies uploads without an
     * {@code x-amz-server-side-encryption: aws:kms} header. Clients must then send that header on
     * presigned PUTs. Default false (the bucket encrypts every object with its KMS key anyway).
     */
    public Builder enforceEncryptionHeaders(boolean enforceEncryptionHeaders) {
      this.enforceEncryptionHeaders = enforceEncryptionHeaders;
      return this;
    }

    /**
     * ENFORCE_REFERENTIAL_INTEGRITY of the FHIR server: written resources may refer only to
     * existing resources of this server (as HAPI FHIR's default). Default false, so that bundles
     * whose references point to resources loaded later (or elsewhere) still load.
     */
    public Builder enforceReferentialIntegrity(boolean enforceReferentialIntegrity) {
      this.enforceReferentialIntegrity = enforceReferentialIntegrity;
      return this;
    }

    /** Retention of the function and API access log groups. Default ten years. */
    public Builder logRetention(RetentionDays logRetention) {
      this.logRetention = logRetention;
      return this;
    }

    /** Cognito threat protection (Plus feature plan, enforced). Default true. */
    public Builder threatProtection(boolean threatProtection) {
      this.threatProtection = threatProtection;
      return this;
    }

    /** API Gateway endpoint type. Default EDGE (as FWoA). */
    public Builder endpointType(EndpointType endpointType) {
      this.endpointType = endpointType;
      return this;
    }

    /** Steady-state requests per second of the stage and usage plan. Default 50 (as FWoA). */
    public Builder throttleRateLimit(int throttleRateLimit) {
      this.throttleRateLimit = throttleRateLimit;
      return this;
    }

    /** Burst of the stage and usage plan. Default 100 (as FWoA). */
    public Builder throttleBurstLimit(int throttleBurstLimit) {
      this.throttleBurstLimit = throttleBurstLimit;
      return this;
    }

    public FhirServiceProps build() {
      return new FhirServiceProps(this);
    }
  }
}
