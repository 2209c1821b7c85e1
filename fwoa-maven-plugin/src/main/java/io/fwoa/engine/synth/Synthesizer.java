package io.fwoa.engine.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.constructs.FhirDeployment;
import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.constructs.nag.SecurityChecks;
import io.fwoa.engine.log.EngineLog;
import io.fwoa.engine.node.NodeRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CliCredentialsStackSynthesizer;
import software.amazon.awscdk.IStackSynthesizer;
import software.amazon.awscdk.cxapi.CloudArtifact;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;

/**
 * Turns a {@link FhirDeploymentConfig} into a cloud assembly in-process: checks Node.js, builds the
 * stacks, applies the cdk-nag packs, synthesizes, and fails on any error annotation.
 */
public final class Synthesizer {

  /**
   * Bucket the templates' file assets live in: the fwoa toolkit bucket that the deploy engine
   * creates on first use in an account and region (no separate bootstrap step).
   */
  public static final String ASSET_BUCKET = "fwoa-assets-${AWS::AccountId}-${AWS::Region}";

  /** jsii runs one Node.js process per JVM; synthesize one app at a time (parallel Maven builds). */
  private static final Object JSII_LOCK = new Object();

  private final EngineLog log;
  private final NodeRuntime node;
  private final BiConsumer<App, FhirDeployment> customizer;
  private final String assetBucket;

  public Synthesizer(EngineLog log) {
    this(log, NodeRuntime.fromEnvironment(), (app, deployment) -> {});
  }

  /**
   * @param customizer runs after the fwoa stacks are built and before the checks, to add or change
   *     constructs (and to prove, in tests, that an insecure change fails synthesis)
   */
  public Synthesizer(EngineLog log, NodeRuntime node, BiConsumer<App, FhirDeployment> customizer) {
    this(log, node, customizer, ASSET_BUCKET);
  }

  /**
   * @param assetBucket name of the bucket the templates' file assets are uploaded to, with
   *     ${AWS::AccountId} and ${AWS::Region} placeholders (see {@link io.fwoa.engine.toolkit.Toolkit})
   */
  public Synthesizer(EngineLog log, NodeRuntime node, BiConsumer<App, FhirDeployment> customizer, String assetBucket) {
    this.log = log;
    this.node = node;
    this.customizer = customizer;
    this.assetBucket = assetBucket;
  }

  /** This synthesizer with file assets in another bucket (fwoa.toolkit=cdk). */
  public Synthesizer withAssetBucket(String bucketNameTemplate) {
    return new Synthesizer(log, node, customizer, bucketNameTemplate);
  }

  /**
   * @throws io.fwoa.constructs.ConfigurationException if the configuration is invalid
   * @throws io.fwoa.engine.node.NodeRuntimeException if Node.js is missing or too old
   * @throws io.fwoa.constructs.nag.SecurityCheckException if a security check fails
   * @throws UncheckedIOException if the output directory cannot be written
   */
  public SynthResult synthesize(FhirDeploymentConfig config, Path outDir) {
    config.validate();
    NodeRuntime.Node nodeJs = node.check();
    log.debug("Using Node.js " + nodeJs.version() + " at " + nodeJs.executable());
    if (nodeJs.endOfLife()) {
      log.warn("Node.js " + nodeJs.version() + " is end-of-life for the AWS CDK: synthesis works, but upgrade to "
          + "Node.js " + NodeRuntime.SUPPORTED_MAJOR + " or newer. To hide jsii's banner meanwhile, set "
          + "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=" + nodeJs.major() + ".");
    }
    prepare(outDir);
    long start = System.nanoTime();
    CloudAssembly assembly;
    synchronized (JSII_LOCK) {
      App app = App.Builder.create()
          .outdir(outDir.toString())
          .analyticsReporting(false)
          .build();
      FhirDeployment deployment = new FhirDeployment(app, config, this::stackSynthesizer);
      customizer.accept(app, deployment);
      SecurityChecks.apply(app);
      assembly = SecurityChecks.synthesize(app);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    List<String> warnings = SecurityChecks.findings(assembly, SynthesisMessageLevel.WARNING).stream()
        .map(Object::toString).toList();
    return new SynthResult(outDir.toAbsolutePath(), summaries(assembly), warnings, millis);
  }

  private IStackSynthesizer stackSynthesizer() {
    // Deploys with the caller's own credentials (no bootstrap roles to assume) and puts file
    // assets in the toolkit bucket (fwoa's by default).
    return CliCredentialsStackSynthesizer.Builder.create()
        .fileAssetsBucketName(assetBucket)
        .bucketPrefix("assets/")
        .build();
  }

  /**
   * Empties the output directory so no stack from an earlier configuration lingers, but refuses to
   * empty a directory that is not a cloud assembly (a mistyped fwoa.outputDirectory).
   */
  static void prepare(Path outDir) {
    try {
      if (Files.isDirectory(outDir)) {
        boolean empty;
        try (Stream<Path> entries = Files.list(outDir)) {
          empty = entries.findAny().isEmpty();
        }
        if (!empty && !Files.exists(outDir.resolve("manifest.json")) && !Files.exists(outDir.resolve("cdk.out"))) {
          throw new UncheckedIOException(new IOException("Refusing to empty " + outDir + ": it is not a cloud "
              + "assembly from an earlier synth. Point fwoa.outputDirectory at an empty or cdk.out directory."));
        }
        try (Stream<Path> walk = Files.walk(outDir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            if (!p.equals(outDir)) {
              Files.delete(p);
            }
          }
        }
      }
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare " + outDir + ": " + e.getMessage(), e);
    }
  }

  private static List<StackSummary> summaries(CloudAssembly assembly) {
    ObjectMapper json = new ObjectMapper();
    Map<String, StackSummary> byId = new LinkedHashMap<>();
    for (CloudFormationStackArtifact stack : assembly.getStacksRecursively()) {
      Path template = Path.of(stack.getTemplateFullPath());
      JsonNode root;
      try {
        root = json.readTree(template.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + template, e);
      }
      List<String> outputs = new ArrayList<>();
      root.path("Outputs").fieldNames().forEachRemaining(outputs::add);
      List<String> deps = new ArrayList<>();
      for (CloudArtifact dep : stack.getDependencies()) {
        if (dep instanceof CloudFormationStackArtifact s) {
          deps.add(s.getStackName());
        }
      }
      byId.put(stack.getStackName(), new StackSummary(stack.getStackName(), stack.getId(), template,
          root.path("Resources").size(), List.copyOf(outputs), List.copyOf(deps),
          Boolean.TRUE.equals(stack.getTerminationProtection())));
    }
    return dependencyOrder(byId);
  }

  /** Stacks ordered so each comes after the stacks it depends on. */
  static List<StackSummary> dependencyOrder(Map<String, StackSummary> stacks) {
    List<StackSummary> ordered = new ArrayList<>();
    List<StackSummary> pending = new ArrayList<>(stacks.values());
    while (!pending.isEmpty()) {
      boolean progress = false;
      for (var it = pending.iterator(); it.hasNext(); ) {
        StackSummary s = it.next();
        boolean ready = s.dependencies().stream()
            .allMatch(d -> !stacks.containsKey(d) || ordered.stream().anyMatch(o -> o.stackName().equals(d)));
        if (ready) {
          ordered.add(s);
          it.remove();
          progress = true;
        }
      }
      if (!progress) {
        throw new IllegalStateException("Cyclic stack dependencies: " + pending);
      }
    }
    return ordered;
  }
}
