package io.fwoa.constructs;

import java.util.Objects;
import software.amazon.awscdk.RemovalPolicy;

/** Properties of {@link FhirBackup}. */
public final class FhirBackupProps {

  private final String stage;
  private final int retentionDays;
  private final RemovalPolicy removalPolicy;

  private FhirBackupProps(Builder b) {
    this.stage = Objects.requireNonNull(b.stage, "stage is required");
    this.retentionDays = b.retentionDays == null ? 35 : b.retentionDays;
    this.removalPolicy = b.removalPolicy == null ? RemovalPolicy.RETAIN : b.removalPolicy;
    if (retentionDays < 1) {
      throw ConfigurationException.of("backupRetentionDays", retentionDays + " must be at least 1");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String getStage() {
    return stage;
  }

  /** Days each daily recovery point is kept. Default 35. */
  public int getRetentionDays() {
    return retentionDays;
  }

  /** What happens to the vault and its key when the stack is deleted. Default RETAIN. */
  public RemovalPolicy getRemovalPolicy() {
    return removalPolicy;
  }

  public static final class Builder {
    private String stage;
    private Integer retentionDays;
    private RemovalPolicy removalPolicy;

    private Builder() {}

    public Builder stage(String stage) {
      this.stage = stage;
      return this;
    }

    public Builder retentionDays(int retentionDays) {
      this.retentionDays = retentionDays;
      return this;
    }

    public Builder removalPolicy(RemovalPolicy removalPolicy) {
      this.removalPolicy = removalPolicy;
      return this;
    }

    public FhirBackupProps build() {
      return new FhirBackupProps(this);
    }
  }
}
