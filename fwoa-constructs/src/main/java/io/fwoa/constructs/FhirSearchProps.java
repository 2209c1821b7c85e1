package io.fwoa.constructs;

import java.util.Objects;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;

/** Properties of {@link FhirSearch}. {@code stage} and {@code table} are required. */
public final class FhirSearchProps {

  /** Sizing of the OpenSearch domain. */
  public enum Sizing {
    /** One data node, no dedicated masters, one Availability Zone. */
    SMALL,
    /** Four data nodes across two Availability Zones with three dedicated master nodes. */
    PRODUCTION
  }

  private final String stage;
  private final ITable table;
  private final Sizing sizing;
  private final boolean dashboards;
  private final boolean logPublishing;
  private final boolean hardDelete;
  private final String domainName;
  private final Code code;
  private final Architecture architecture;
  private final String logLevel;
  private final IKey logKey;
  private final RetentionDays logRetention;
  private final RemovalPolicy removalPolicy;
  private final String dataNodeInstanceType;
  private final String masterNodeInstanceType;
  private final Integer volumeSize;

  private FhirSearchProps(Builder b) {
    this.stage = Objects.requireNonNull(b.stage, "stage is required");
    this.table = Objects.requireNonNull(b.table, "table is required");
    this.sizing = b.sizing == null ? Sizing.SMALL : b.sizing;
    this.dashboards = b.dashboards;
    this.logPublishing = b.logPublishing == null || b.logPublishing;
    this.hardDelete = b.hardDelete;
    this.domainName = b.domainName;
    this.code = b.code;
    this.architecture = b.architecture == null ? Architecture.ARM_64 : b.architecture;
    this.logLevel = b.logLevel == null ? "error" : b.logLevel;
    this.logKey = b.logKey;
    this.logRetention = b.logRetention == null ? RetentionDays.TEN_YEARS : b.logRetention;
    this.removalPolicy = b.removalPolicy == null ? RemovalPolicy.DESTROY : b.removalPolicy;
    this.dataNodeInstanceType = b.dataNodeInstanceType;
    this.masterNodeInstanceType = b.masterNodeInstanceType;
    this.volumeSize = b.volumeSize;
    if (domainName != null && !domainName.matches("[a-z][a-z0-9-]{2,27}")) {
      throw ConfigurationException.of("domainName", "'" + domainName
          + "' is not a valid OpenSearch domain name (3-28 lowercase letters, digits or hyphens, starting with a letter)");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String getStage() {
    return stage;
  }

  public ITable getTable() {
    return table;
  }

  public Sizing getSizing() {
    return sizing;
  }

  public boolean isDashboards() {
    return dashboards;
  }

  public boolean isLogPublishing() {
    return logPublishing;
  }

  public boolean isHardDelete() {
    return hardDelete;
  }

  public String getDomainName() {
    return domainName;
  }

  public Code getCode() {
    return code;
  }

  public Architecture getArchitecture() {
    return architecture;
  }

  public String getLogLevel() {
    return logLevel;
  }

  public IKey getLogKey() {
    return logKey;
  }

  public RetentionDays getLogRetention() {
    return logRetention;
  }

  public RemovalPolicy getRemovalPolicy() {
    return removalPolicy;
  }

  /** Data node instance type for the sizing (overridable). */
  public String getDataNodeInstanceType() {
    if (dataNodeInstanceType != null) {
      return dataNodeInstanceType;
    }
    return sizing == Sizing.SMALL ? "c6g.large.search" : "m6g.large.search";
  }

  public String getMasterNodeInstanceType() {
    return masterNodeInstanceType != null ? masterNodeInstanceType : "c6g.large.search";
  }

  /** EBS gp3 volume per data node in GiB (FWoA: 10 dev, 73 otherwise). */
  public int getVolumeSize() {
    if (volumeSize != null) {
      return volumeSize;
    }
    return sizing == Sizing.SMALL ? 10 : 73;
  }

  public static final class Builder {
    private String stage;
    private ITable table;
    private Sizing sizing;
    private boolean dashboards;
    private Boolean logPublishing;
    private boolean hardDelete;
    private String domainName;
    private Code code;
    private Architecture architecture;
    private String logLevel;
    private IKey logKey;
    private RetentionDays logRetention;
    private RemovalPolicy removalPolicy;
    private String dataNodeInstanceType;
    private String masterNodeInstanceType;
    private Integer volumeSize;

    private Builder() {}

    /** Deployment stage, used in names. Required. */
    public Builder stage(String stage) {
      this.stage = stage;
      return this;
    }

    /** The FHIR resource table whose stream feeds the index. Required; its stream must be on. */
    public Builder table(ITable table) {
      this.table = table;
      return this;
    }

    /** Default SMALL. */
    public Builder sizing(Sizing sizing) {
      this.sizing = sizing;
      return this;
    }

    /**
     * OpenSearch Dashboards behind a separate Cognito user pool. Default false; FhirDeployment turns
     * it on for the dev stage only.
     */
    public Builder dashboards(boolean dashboards) {
      this.dashboards = dashboards;
      return this;
    }

    /** Publish application, slow-search and slow-index logs to CloudWatch. Default true. */
    public Builder logPublishing(boolean logPublishing) {
      this.logPublishing = logPublishing;
      return this;
    }

    /** Delete documents from the index on resource delete instead of marking them deleted. */
    public Builder hardDelete(boolean hardDelete) {
      this.hardDelete = hardDelete;
      return this;
    }

    /** Domain name. Default: derived from the construct path. */
    public Builder domainName(String domainName) {
      this.domainName = domainName;
      return this;
    }

    /** Lambda code of the stream indexer. Default: the bundled fwoa-server. */
    public Builder code(Code code) {
      this.code = code;
      return this;
    }

    public Builder architecture(Architecture architecture) {
      this.architecture = architecture;
      return this;
    }

    public Builder logLevel(String logLevel) {
      this.logLevel = logLevel;
      return this;
    }

    /** KMS key of the log groups. Default: a new key. */
    public Builder logKey(IKey logKey) {
      this.logKey = logKey;
      return this;
    }

    public Builder logRetention(RetentionDays logRetention) {
      this.logRetention = logRetention;
      return this;
    }

    /**
     * Removal policy of the domain and its key. Default DESTROY: the index is derived data that
     * can be rebuilt from the table.
     */
    public Builder removalPolicy(RemovalPolicy removalPolicy) {
      this.removalPolicy = removalPolicy;
      return this;
    }

    public Builder dataNodeInstanceType(String dataNodeInstanceType) {
      this.dataNodeInstanceType = dataNodeInstanceType;
      return this;
    }

    public Builder masterNodeInstanceType(String masterNodeInstanceType) {
      this.masterNodeInstanceType = masterNodeInstanceType;
      return this;
    }

    public Builder volumeSize(int volumeSize) {
      this.volumeSize = volumeSize;
      return this;
    }

    public FhirSearchProps build() {
      return new FhirSearchProps(this);
    }
  }
}
