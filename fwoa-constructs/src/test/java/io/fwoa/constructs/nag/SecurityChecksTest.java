package io.fwoa.constructs.nag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fwoa.constructs.FhirDeployment;
import io.fwoa.constructs.FhirDeploymentConfig;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;

class SecurityChecksTest {

  static Stream<FhirDeploymentConfig> deployments() {
    return Stream.of(
        FhirDeploymentConfig.builder().build(),
        FhirDeploymentConfig.builder().stage("prod").enableBackup(true).alarmEmail("ops@example.org").build(),
        FhirDeploymentConfig.builder().stage("qa").enableMultiTenancy(true).enforceEncryptionHeaders(true)
            .lambdaArchitecture("x86_64").build(),
        FhirDeploymentConfig.builder().issuerEndpoint("https://auth.example.org")
            .oAuth2ApiEndpoint("https://auth.example.org/oauth2").patientPickerEndpoint("https://auth.example.org/picker")
            .enableMultiTenancy(true).build());
  }

  @ParameterizedTest
  @MethodSource("deployments")
  void everyShippedConfigurationPassesAwsSolutionsAndHipaa(FhirDeploymentConfig config) {
    App app = App.Builder.create().analyticsReporting(false).build();
    new FhirDeployment(app, config);
    SecurityChecks.apply(app);

    CloudAssembly assembly = SecurityChecks.synthesize(app);

    assertThat(assembly.getStacks()).hasSize(config.isEnableBackup() ? 2 : 1);
  }

  @Test
  void anUnencryptedBucketAddedByAUserFailsSynthesisWithRuleAndPath() {
    App app = App.Builder.create().analyticsReporting(false).build();
    FhirDeployment deployment = new FhirDeployment(app, FhirDeploymentConfig.builder().build());
    Bucket.Builder.create(deployment.getServiceStack(), "UserExports")
        .encryption(BucketEncryption.UNENCRYPTED)
        .build();
    SecurityChecks.apply(app);

    SecurityCheckException e = org.junit.jupiter.api.Assertions.assertThrows(SecurityCheckException.class,
        () -> SecurityChecks.synthesize(app));

    assertThat(e.getFindings()).allSatisfy(f -> {
      assertThat(f.stack()).isEqualTo("fhir-service-dev");
      assertThat(f.path()).startsWith("/fhir-service-dev/UserExports");
    });
    assertThat(e.getFindings()).extracting(SecurityChecks.Finding::ruleId)
        .contains("AwsSolutions-S1", "AwsSolutions-S10", "HIPAA.Security-S3BucketSSLRequestsOnly",
            "HIPAA.Security-S3DefaultEncryptionKMS");
    assertThat(e.getMessage())
        .contains("security check error(s)")
        .contains("[fhir-service-dev] AwsSolutions-S10 at /fhir-service-dev/UserExports/Resource: ")
        .contains("io.fwoa.constructs.nag.Suppressions");
  }

  @Test
  void aSuppressionWithAReasonSilencesTheRule() {
    App app = App.Builder.create().analyticsReporting(false).build();
    FhirDeployment deployment = new FhirDeployment(app, FhirDeploymentConfig.builder().build());
    Bucket scratch = Bucket.Builder.create(deployment.getServiceStack(), "Scratch")
        .encryption(BucketEncryption.KMS_MANAGED).enforceSsl(true).versioned(true)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL).build();
    SecurityChecks.apply(app);
    assertThatThrownBy(() -> SecurityChecks.synthesize(app)).isInstanceOf(SecurityCheckException.class);

    App again = App.Builder.create().analyticsReporting(false).build();
    FhirDeployment second = new FhirDeployment(again, FhirDeploymentConfig.builder().build());
    Bucket allowed = Bucket.Builder.create(second.getServiceStack(), "Scratch")
        .encryption(BucketEncryption.KMS_MANAGED).enforceSsl(true).versioned(true)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL).build();
    for (String rule : new String[] {"AwsSolutions-S1", "HIPAA.Security-S3BucketLoggingEnabled",
        "HIPAA.Security-S3BucketReplicationEnabled", "HIPAA.Security-S3DefaultEncryptionKMS"}) {
      Suppressions.suppress(allowed, rule, "Test scratch bucket, emptied daily.");
    }
    SecurityChecks.apply(again);
    assertThat(SecurityChecks.synthesize(again).getStacks()).hasSize(1);
    assertThat(scratch).isNotNull();
  }
}
