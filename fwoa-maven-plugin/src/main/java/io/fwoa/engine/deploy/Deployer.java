package io.fwoa.engine.deploy;

import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.assembly.AssemblyStack;
import io.fwoa.engine.assembly.CloudAssemblyReader;
import io.fwoa.engine.assets.AssetPublisher;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.aws.CredentialsException;
import io.fwoa.engine.log.EngineLog;
import io.fwoa.engine.outputs.DeployedOutputs;
import io.fwoa.engine.outputs.OutputFiles;
import io.fwoa.engine.outputs.StackOutputs;
import io.fwoa.engine.toolkit.Toolkit;
import io.fwoa.engine.toolkit.ToolkitDeployer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * fwoa:deploy: checks the credentials, synthesizes, deploys the stacks in dependency order
 * (service, then backup) and writes their outputs to INFO_OUTPUT.log and outputs.json.
 */
public final class Deployer {

  /**
   * @param assemblyDir where the cloud assembly is written (target/fwoa/cdk.out)
   * @param stacks stack names to deploy (fwoa.stacks), empty for all
   * @param infoOutputFile INFO_OUTPUT.log
   * @param outputsFile outputs.json
   * @param toolkit where assets go
   */
  public record Request(Path assemblyDir, List<String> stacks, Path infoOutputFile, Path outputsFile, Toolkit toolkit) {}

  private final AwsSession session;
  private final EngineLog log;
  private final AssemblySource assembly;

  public Deployer(AwsSession session, EngineLog log, AssemblySource assembly) {
    this.session = session;
    this.log = log;
    this.assembly = assembly;
  }

  public DeployReport deploy(FhirDeploymentConfig config, Request request) {
    String account = checkAccount(session, config);
    long wallStart = System.nanoTime();
    assembly.assemble(config, request.assemblyDir());
    long synthMillis = (System.nanoTime() - wallStart) / 1_000_000;
    long engineStart = System.nanoTime();
    List<AssemblyStack> all = CloudAssemblyReader.read(request.assemblyDir());
    List<AssemblyStack> selected = select(all, request.stacks());
    log.info("Deploying " + names(selected) + " to account " + account + " in " + session.target().region());

    AssetPublisher publisher = new AssetPublisher(session, log);
    ToolkitDeployer toolkit = new ToolkitDeployer(session, log, request.toolkit());
    String[] bucket = new String[1];
    StackDeployer deployer = new StackDeployer(session, log);
    List<StackResult> results = new ArrayList<>();
    Map<String, Stack> known = new LinkedHashMap<>();
    // One listing call describes all stacks of a multi-stack deployment (a no-op redeploy of the
    // production example then costs 3 CloudFormation calls: the listing and a GetTemplate per stack).
    Map<String, Optional<Stack>> described = selected.size() > 1
        ? deployer.describeAll(selected.stream().map(AssemblyStack::stackName).toList()) : Map.of();
    for (AssemblyStack stack : selected) {
      log.info(stack.stackName() + ": " + stack.resourceCount() + " resources");
      StackResult result = deployer.deploy(stack, s -> {
        if (bucket[0] == null) {
          bucket[0] = toolkit.ensure(account);
        }
        return publisher.publish(s, account);
      }, described.get(stack.stackName()));
      results.add(result);
      known.put(stack.stackName(), result.stack());
      if (result.outcome() != StackResult.Outcome.NO_CHANGES) {
        // Time has passed: later stacks are described afresh.
        described = Map.of();
      }
    }
    List<String> names = all.stream().map(AssemblyStack::stackName).toList();
    DeployedOutputs outputs = StackOutputs.read(session, names, known);
    OutputFiles.write(outputs, request.infoOutputFile(), request.outputsFile());
    log.info("Outputs (also in " + request.infoOutputFile() + " and " + request.outputsFile() + "):");
    OutputFiles.lines(outputs).forEach(l -> log.info("  " + l));
    long engineMillis = (System.nanoTime() - engineStart) / 1_000_000;
    log.debug("AWS calls: " + session.calls().counter());
    return new DeployReport(account, results, outputs, synthMillis, engineMillis, session.calls().counter().snapshot());
  }

  /**
   * The account of the credentials; fails when fwoa.account names another one.
   *
   * @throws CredentialsException for missing/expired credentials or the wrong account
   */
  public static String checkAccount(AwsSession session, FhirDeploymentConfig config) {
    String account = session.accountId();
    if (config.getAccount() != null && !config.getAccount().equals(account)) {
      throw new CredentialsException("fwoa.account is " + config.getAccount() + ", but the AWS credentials in use ("
          + (session.target().profile() == null ? "default chain" : "profile " + session.target().profile())
          + ") belong to account " + account + ". Use a profile of account " + config.getAccount()
          + " (-Dfwoa.profile=...), or fix <account>.", null);
    }
    return account;
  }

  /**
   * @throws StackSelectionException if a name is not a stack of the assembly
   */
  static List<AssemblyStack> select(List<AssemblyStack> all, List<String> names) {
    if (names == null || names.isEmpty()) {
      return all;
    }
    List<String> known = all.stream().map(AssemblyStack::stackName).toList();
    List<String> unknown = names.stream().filter(n -> !known.contains(n)).toList();
    if (!unknown.isEmpty()) {
      throw new StackSelectionException("fwoa.stacks names " + unknown + ", which this configuration does not have; "
          + "its stacks are " + known + " (for example -Dfwoa.stacks=" + known.get(0) + ")");
    }
    return all.stream().filter(s -> names.contains(s.stackName())).toList();
  }

  private static String names(List<AssemblyStack> stacks) {
    return String.join(", ", stacks.stream().map(AssemblyStack::stackName).toList());
  }
}
