package io.fwoa.engine.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.fake.aws.FakeAws;
import java.time.Duration;
import java.util.Map;

/**
 * Puts a deployed stack with given outputs into the in-memory CloudFormation fake, through its API
 * (change set, execute, wait), for goals that only read outputs.
 */
public final class FakeStacks {

  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeStacks() {}

  public static void deployed(FakeAws aws, String stackName, Map<String, String> outputs) {
    ObjectNode template = JSON.createObjectNode();
    template.put("Description", "outputs of " + stackName);
    template.putObject("Resources").putObject("Topic").put("Type", "AWS::SNS::Topic").putObject("Properties");
    ObjectNode o = template.putObject("Outputs");
    outputs.forEach((k, v) -> o.putObject(k).put("Value", v));
    String id = aws.cloudFormation().createChangeSet(r -> r.stackName(stackName).changeSetName("create")
        .changeSetType("CREATE").templateBody(template.toString())).id();
    aws.timing().sleep(Duration.ofSeconds(5));
    aws.cloudFormation().executeChangeSet(r -> r.changeSetName(id));
    aws.timing().sleep(Duration.ofMinutes(5));
    String status = aws.stackStatus(stackName);
    if (!"CREATE_COMPLETE".equals(status)) {
      throw new IllegalStateException(stackName + " is " + status);
    }
    aws.resetCalls();
  }
}
