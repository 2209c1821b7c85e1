package io.fwoa.fake.aws;

import io.fwoa.engine.aws.AwsClientProvider;
import io.fwoa.engine.aws.AwsTarget;
import io.fwoa.engine.aws.Timing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Plugs {@link FakeAws} into the goals (selected with -Dfwoa.awsClientProvider=fake). Integration
 * tests add this test-fixture jar as a plugin dependency. The account's state lives in the file
 * named by the system property {@code fwoa.fake.state}, so consecutive Maven runs see the same
 * account; each run appends its API call counts to {@code <state>.calls}. Faults: system property
 * {@code fwoa.fake.fail} = {@code stack/LogicalId:KIND[,...]} (KIND = CREATE, UPDATE, DELETE, ROLLBACK).
 * Unit tests can instead install an account with {@link #use(FakeAws)}.
 */
public final class FakeAwsProvider implements AwsClientProvider {

  private static FakeAws shared;

  private FakeAws aws;
  private Path stateFile;

  /** Unit tests: the next sessions use this account (null to go back to the state file). */
  public static synchronized void use(FakeAws account) {
    shared = account;
  }

  @Override
  public String name() {
    return "fake";
  }

  private synchronized FakeAws aws() {
    if (aws == null) {
      if (shared != null) {
        aws = shared;
      } else {
        String file = System.getProperty("fwoa.fake.state");
        stateFile = Path.of(file == null || file.isBlank() ? "target/fake-aws/state.json" : file);
        aws = FakeAws.load(stateFile);
        String faults = System.getProperty("fwoa.fake.fail", "");
        for (String f : faults.split(",")) {
          if (!f.isBlank()) {
            String[] parts = f.trim().split("[/:]");
            aws.fail(parts[0], parts[1], FakeAws.FaultKind.valueOf(parts[2]), "Injected failure of " + parts[1]
                + " (fwoa.fake.fail)");
          }
        }
      }
    }
    return aws;
  }

  @Override
  public <T extends SdkClient> Optional<T> client(Class<T> type, AwsTarget target) {
    Object client = null;
    if (type == CloudFormationClient.class) {
      client = aws().cloudFormation();
    } else if (type == S3Client.class) {
      client = aws().s3();
    } else if (type == StsClient.class) {
      client = aws().sts();
    }
    return Optional.ofNullable(type.cast(client));
  }

  @Override
  public Timing timing() {
    return aws().timing();
  }

  @Override
  public synchronized void close() {
    if (aws != null && stateFile != null) {
      aws.save(stateFile);
      Map<String, Long> counts = new TreeMap<>();
      aws.calls().forEach(c -> counts.merge(c, 1L, Long::sum));
      StringBuilder line = new StringBuilder("run");
      counts.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
      try {
        Files.writeString(Path.of(stateFile + ".calls"), line + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    aws = null;
  }
}
