package io.fwoa.fake.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.fwoa.fake.aws.FakeState.ChangeSetState;
import io.fwoa.fake.aws.FakeState.ChangeState;
import io.fwoa.fake.aws.FakeState.EventState;
import io.fwoa.fake.aws.FakeState.StackState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.AlreadyExistsException;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetNotFoundException;
import software.amazon.awssdk.services.cloudformation.model.ContinueUpdateRollbackRequest;
import software.amazon.awssdk.services.cloudformation.model.ContinueUpdateRollbackResponse;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DeleteChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DeleteChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackRequest;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksResponse;
import software.amazon.awssdk.services.cloudformation.model.ExecuteChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.ExecuteChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.GetTemplateRequest;
import software.amazon.awssdk.services.cloudformation.model.GetTemplateResponse;
import software.amazon.awssdk.services.cloudformation.model.InsufficientCapabilitiesException;
import software.amazon.awssdk.services.cloudformation.model.InvalidChangeSetStatusException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ResourceChange;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.cloudformation.model.UpdateTerminationProtectionRequest;
import software.amazon.awssdk.services.cloudformation.model.UpdateTerminationProtectionResponse;

/** CloudFormation of the {@link FakeAws} account: the operations the deploy engine uses. */
public final class FakeCloudFormation implements CloudFormationClient {

  private static final String SERVICE = "CloudFormation";
  private static final int PAGE = 100;

  private final FakeAws aws;

  FakeCloudFormation(FakeAws aws) {
    this.aws = aws;
  }

  @Override
  public String serviceName() {
    return "cloudformation";
  }

  @Override
  public void close() {}

  @Override
  public DescribeStacksResponse describeStacks(DescribeStacksRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "DescribeStacks");
      if (request.stackName() == null) {
        List<Stack> all = new ArrayList<>();
        aws.state.stacks.values().forEach(s -> all.add(toStack(s)));
        return DescribeStacksResponse.builder().stacks(all).build();
      }
      StackState s = aws.find(request.stackName());
      if (s == null) {
        throw FakeAws.validation("Stack with id " + request.stackName() + " does not exist");
      }
      return DescribeStacksResponse.builder().stacks(toStack(s)).build();
    }
  }

  private Stack toStack(StackState s) {
    List<Parameter> params = new ArrayList<>();
    s.parameters.forEach((k, v) -> params.add(Parameter.builder().parameterKey(k).parameterValue(v).build()));
    List<Tag> tags = new ArrayList<>();
    s.tags.forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
    List<Output> outputs = new ArrayList<>();
    String status = aws.status(s);
    if (!aws.busy(s) || status.startsWith("UPDATE")) {
      s.outputs.forEach((k, v) -> outputs.add(Output.builder().outputKey(k).outputValue(v).build()));
    }
    String description = s.templateBody == null ? null : FakeTemplates.parse(s.templateBody).path("Description").asText(null);
    return Stack.builder()
        .stackName(s.name)
        .stackId(s.id)
        .description(description)
        .stackStatus(status)
        .stackStatusReason(aws.statusReason(s))
        .creationTime(Instant.ofEpochMilli(s.created))
        .lastUpdatedTime(s.lastUpdated == null ? null : Instant.ofEpochMilli(s.lastUpdated))
        .parameters(params)
        .tags(tags)
        .outputs(outputs)
        .enableTerminationProtection(s.terminationProtection)
        .build();
  }

  @Override
  public DescribeStackEventsResponse describeStackEvents(DescribeStackEventsRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "DescribeStackEvents");
      StackState s = aws.find(request.stackName());
      if (s == null) {
        throw FakeAws.validation("Stack [" + request.stackName() + "] does not exist");
      }
      List<EventState> events = aws.visibleEvents(s);
      int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
      int to = Math.min(events.size(), from + PAGE);
      List<StackEvent> page = new ArrayList<>();
      for (EventState e : events.subList(from, to)) {
        page.add(StackEvent.builder()
            .eventId(e.id)
            .stackId(s.id)
            .stackName(s.name)
            .logicalResourceId(e.logicalId)
            .physicalResourceId(e.physicalId)
            .resourceType(e.type)
            .timestamp(Instant.ofEpochMilli(e.time))
            .resourceStatus(e.status)
            .resourceStatusReason(e.reason)
            .clientRequestToken(e.token)
            .build());
      }
      return DescribeStackEventsResponse.builder().stackEvents(page)
          .nextToken(to < events.size() ? Integer.toString(to) : null).build();
    }
  }

  @Override
  public GetTemplateResponse getTemplate(GetTemplateRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "GetTemplate");
      StackState s = aws.find(request.stackName());
      if (s == null) {
        throw FakeAws.validation("Stack with id " + request.stackName() + " does not exist");
      }
      return GetTemplateResponse.builder().templateBody(s.templateBody == null ? "{}" : s.templateBody).build();
    }
  }

  @Override
  public CreateChangeSetResponse createChangeSet(CreateChangeSetRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "CreateChangeSet");
      String body = templateBody(request);
      JsonNode template;
      try {
        template = FakeTemplates.parse(body);
      } catch (RuntimeException e) {
        throw FakeAws.validation("Template format error: JSON not well-formed.");
      }
      if (FakeTemplates.hasIam(template) && !request.capabilities().contains(Capability.CAPABILITY_IAM)
          && !request.capabilities().contains(Capability.CAPABILITY_NAMED_IAM)) {
        throw InsufficientCapabilitiesException.builder().message("Requires capabilities : [CAPABILITY_IAM]").statusCode(400)
            .awsErrorDetails(FakeAws.error(SERVICE, "InsufficientCapabilitiesException", 400,
                "Requires capabilities : [CAPABILITY_IAM]").awsErrorDetails()).build();
      }
      for (ChangeSetState existing : aws.state.changeSets.values()) {
        if (request.clientToken() != null && request.clientToken().equals(existing.clientToken)
            && existing.name.equals(request.changeSetName())) {
          return CreateChangeSetResponse.builder().id(existing.id).stackId(existing.stackId).build();
        }
      }
      String name = request.stackName();
      StackState s = aws.state.stacks.get(name);
      boolean create = "CREATE".equals(request.changeSetTypeAsString());
      if (create) {
        if (s != null && !"REVIEW_IN_PROGRESS".equals(aws.status(s))) {
          throw AlreadyExistsException.builder().message("Stack [" + name + "] already exists").statusCode(400)
              .awsErrorDetails(FakeAws.error(SERVICE, "AlreadyExistsException", 400, "Stack [" + name + "] already exists")
                  .awsErrorDetails()).build();
        }
        if (s == null) {
          s = new StackState();
          s.name = name;
          s.id = aws.newStackId(name);
          s.created = aws.state.now;
          aws.state.stacks.put(name, s);
          aws.stackEvent(s, aws.state.now, "REVIEW_IN_PROGRESS", "User Initiated", request.clientToken());
        }
      } else {
        if (s == null) {
          throw FakeAws.validation("Stack [" + name + "] does not exist");
        }
        String status = aws.status(s);
        if (aws.busy(s) || !List.of("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE",
            "IMPORT_ROLLBACK_COMPLETE").contains(status)) {
          throw FakeAws.validation("Stack:" + s.id + " is in " + status + " state and can not be updated.");
        }
      }
      ChangeSetState cs = new ChangeSetState();
      cs.id = "arn:aws:cloudformation:" + aws.region + ":" + aws.account + ":changeSet/" + request.changeSetName() + "/"
          + aws.nextId();
      cs.name = request.changeSetName();
      cs.stackName = name;
      cs.stackId = s.id;
      cs.type = create ? "CREATE" : "UPDATE";
      cs.created = aws.state.now;
      cs.templateBody = body;
      cs.clientToken = request.clientToken();
      for (Parameter p : request.parameters()) {
        cs.parameters.put(p.parameterKey(), p.parameterValue());
      }
      for (Tag t : request.tags()) {
        cs.tags.put(t.key(), t.value());
      }
      JsonNode oldTemplate = s.templateBody == null ? null : FakeTemplates.parse(s.templateBody);
      // Template-level Metadata is not deployed state: a change there alone changes nothing.
      boolean same = !create && withoutMetadata(template).equals(oldTemplate == null ? null : withoutMetadata(oldTemplate))
          && cs.parameters.equals(s.parameters) && cs.tags.equals(s.tags);
      if (same) {
        cs.finalStatus = "FAILED";
        cs.statusReason = "The submitted information didn't contain changes. Submit different information to create a change set.";
      } else {
        cs.finalStatus = "CREATE_COMPLETE";
        cs.changes = aws.changes(s, template, cs.tags);
      }
      aws.state.changeSets.put(cs.id, cs);
      return CreateChangeSetResponse.builder().id(cs.id).stackId(s.id).build();
    }
  }

  private static JsonNode withoutMetadata(JsonNode template) {
    JsonNode copy = template.deepCopy();
    if (copy.isObject()) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("Metadata");
    }
    return copy;
  }

  private String templateBody(CreateChangeSetRequest request) {
    if (request.templateBody() != null) {
      if (request.templateBody().getBytes(StandardCharsets.UTF_8).length > 51_200) {
        throw FakeAws.validation("1 validation error detected: Value '{...}' at 'templateBody' failed to satisfy "
            + "constraint: Member must have length less than or equal to 51200");
      }
      return request.templateBody();
    }
    String url = request.templateURL();
    if (url == null) {
      throw FakeAws.validation("Either Template URL or Template Body must be specified.");
    }
    // https://s3.<region>.amazonaws.com/<bucket>/<key>
    String rest = url.replaceFirst("^https://s3\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/", "");
    if (rest.equals(url)) {
      throw FakeAws.validation("TemplateURL must be a supported URL.");
    }
    String bucket = rest.substring(0, rest.indexOf('/'));
    String key = rest.substring(rest.indexOf('/') + 1);
    FakeState.ObjectState o = aws.state.buckets.getOrDefault(bucket, Map.of()).get(key);
    if (o == null || o.content == null) {
      throw FakeAws.validation("S3 error: The specified key does not exist. (" + url + ")");
    }
    return new String(o.content, StandardCharsets.UTF_8);
  }

  @Override
  public DescribeChangeSetResponse describeChangeSet(DescribeChangeSetRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "DescribeChangeSet");
      ChangeSetState cs = changeSet(request.changeSetName(), request.stackName());
      String status = aws.changeSetStatus(cs);
      List<Change> changes = new ArrayList<>();
      int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
      int to = from;
      if ("CREATE_COMPLETE".equals(status)) {
        to = Math.min(cs.changes.size(), from + PAGE);
        for (ChangeState c : cs.changes.subList(from, to)) {
          changes.add(Change.builder().type("Resource").resourceChange(ResourceChange.builder()
              .action(c.action).logicalResourceId(c.logicalId).physicalResourceId(c.physicalId).resourceType(c.type)
              .replacement(c.replacement).build()).build());
        }
      }
      return DescribeChangeSetResponse.builder()
          .changeSetId(cs.id)
          .changeSetName(cs.name)
          .stackId(cs.stackId)
          .stackName(cs.stackName)
          .status(status)
          .statusReason("FAILED".equals(status) ? cs.statusReason : null)
          .executionStatus(aws.executionStatus(cs))
          .changes(changes)
          .nextToken("CREATE_COMPLETE".equals(status) && to < cs.changes.size() ? Integer.toString(to) : null)
          .tags(cs.tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
          .creationTime(Instant.ofEpochMilli(cs.created))
          .build();
    }
  }

  private ChangeSetState changeSet(String nameOrId, String stack) {
    ChangeSetState cs = aws.state.changeSets.get(nameOrId);
    if (cs == null) {
      for (ChangeSetState c : aws.state.changeSets.values()) {
        if (c.name.equals(nameOrId) && (c.stackName.equals(stack) || c.stackId.equals(stack))) {
          cs = c;
        }
      }
    }
    if (cs == null) {
      throw ChangeSetNotFoundException.builder().message("ChangeSet [" + nameOrId + "] does not exist").statusCode(404)
          .awsErrorDetails(FakeAws.error(SERVICE, "ChangeSetNotFound", 404, "ChangeSet [" + nameOrId + "] does not exist")
              .awsErrorDetails()).build();
    }
    return cs;
  }

  @Override
  public ExecuteChangeSetResponse executeChangeSet(ExecuteChangeSetRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "ExecuteChangeSet");
      ChangeSetState cs = changeSet(request.changeSetName(), request.stackName());
      if (!"AVAILABLE".equals(aws.executionStatus(cs))) {
        String msg = "ChangeSet [" + cs.id + "] cannot be executed in its current execution status of ["
            + aws.executionStatus(cs) + "]";
        throw InvalidChangeSetStatusException.builder().message(msg).statusCode(400)
            .awsErrorDetails(FakeAws.error(SERVICE, "InvalidChangeSetStatus", 400, msg).awsErrorDetails()).build();
      }
      StackState s = aws.find(cs.stackId);
      aws.execute(cs, s, request.clientRequestToken());
      // Executing a change set deletes the stack's other change sets.
      aws.state.changeSets.values().removeIf(c -> c.stackId.equals(cs.stackId) && !c.id.equals(cs.id));
      return ExecuteChangeSetResponse.builder().build();
    }
  }

  @Override
  public DeleteChangeSetResponse deleteChangeSet(DeleteChangeSetRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "DeleteChangeSet");
      ChangeSetState cs = changeSet(request.changeSetName(), request.stackName());
      aws.state.changeSets.remove(cs.id);
      return DeleteChangeSetResponse.builder().build();
    }
  }

  @Override
  public UpdateTerminationProtectionResponse updateTerminationProtection(UpdateTerminationProtectionRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "UpdateTerminationProtection");
      StackState s = aws.find(request.stackName());
      if (s == null) {
        throw FakeAws.validation("Stack [" + request.stackName() + "] does not exist");
      }
      s.terminationProtection = Boolean.TRUE.equals(request.enableTerminationProtection());
      return UpdateTerminationProtectionResponse.builder().stackId(s.id).build();
    }
  }

  @Override
  public DeleteStackResponse deleteStack(DeleteStackRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "DeleteStack");
      StackState s = aws.find(request.stackName());
      if (s == null || "DELETE_COMPLETE".equals(aws.status(s))) {
        return DeleteStackResponse.builder().build();
      }
      if (s.terminationProtection) {
        throw FakeAws.validation("Stack [" + s.name + "] cannot be deleted while TerminationProtection is enabled");
      }
      if (aws.busy(s)) {
        if ("DELETE_IN_PROGRESS".equals(aws.status(s))) {
          return DeleteStackResponse.builder().build();
        }
        throw FakeAws.validation("Stack [" + s.name + "] is in " + aws.status(s) + " state and can not be deleted.");
      }
      aws.delete(s, request.clientRequestToken());
      return DeleteStackResponse.builder().build();
    }
  }

  @Override
  public ContinueUpdateRollbackResponse continueUpdateRollback(ContinueUpdateRollbackRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "ContinueUpdateRollback");
      StackState s = aws.find(request.stackName());
      if (s == null) {
        throw FakeAws.validation("Stack [" + request.stackName() + "] does not exist");
      }
      if (!"UPDATE_ROLLBACK_FAILED".equals(aws.status(s))) {
        throw FakeAws.validation("Stack:" + s.id + " is in " + aws.status(s)
            + " state and can not continue rollback. Stack must be in UPDATE_ROLLBACK_FAILED state.");
      }
      aws.continueRollback(s, request.resourcesToSkip(), request.clientRequestToken());
      return ContinueUpdateRollbackResponse.builder().build();
    }
  }
}
