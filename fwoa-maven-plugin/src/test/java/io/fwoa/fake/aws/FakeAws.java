package io.fwoa.fake.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fwoa.engine.aws.Timing;
import io.fwoa.fake.aws.FakeState.ChangeSetState;
import io.fwoa.fake.aws.FakeState.ChangeState;
import io.fwoa.fake.aws.FakeState.Commit;
import io.fwoa.fake.aws.FakeState.EventState;
import io.fwoa.fake.aws.FakeState.ObjectState;
import io.fwoa.fake.aws.FakeState.ResourceState;
import io.fwoa.fake.aws.FakeState.StackState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An in-memory AWS account for the deploy engine's tests: CloudFormation, S3 and STS behind the
 * SDK's client interfaces, on a virtual clock. CloudFormation follows its real status machine:
 * operations take (virtual) time and are observed over several polls, every resource emits the
 * events CloudFormation emits, change sets go through their statuses and fail with CloudFormation's
 * own "didn't contain changes" message, a failed create rolls back to ROLLBACK_COMPLETE, a failed
 * update to UPDATE_ROLLBACK_COMPLETE (or UPDATE_ROLLBACK_FAILED when a rollback fault is injected),
 * and Lambda code must have been uploaded to S3 before a function can be created. Throttling and
 * expired credentials can be injected; every call is recorded.
 */
public final class FakeAws {

  public static final String DEFAULT_ACCOUNT = "123456789012";

  /** Which step of a resource an injected fault breaks. */
  public enum FaultKind {
    CREATE,
    UPDATE,
    DELETE,
    /** The resource fails to roll back after a failed update: the stack ends UPDATE_ROLLBACK_FAILED. */
    ROLLBACK
  }

  record Fault(String stackName, String logicalId, FaultKind kind, String reason) {}

  final String account;
  final String region;
  FakeState state;
  private final List<Fault> faults = new ArrayList<>();
  private final Map<String, Integer> throttles = new HashMap<>();
  private final List<String> calls = new ArrayList<>();
  private boolean expired;
  private final FakeCloudFormation cloudFormation = new FakeCloudFormation(this);
  private final FakeS3 s3 = new FakeS3(this);
  private final FakeSts sts = new FakeSts(this);

  public FakeAws() {
    this(DEFAULT_ACCOUNT, "us-west-2", new FakeState());
  }

  public FakeAws(String account, String region, FakeState state) {
    this.account = account;
    this.region = region;
    this.state = state;
  }

  public FakeCloudFormation cloudFormation() {
    return cloudFormation;
  }

  public FakeS3 s3() {
    return s3;
  }

  public FakeSts sts() {
    return sts;
  }

  /** The virtual clock: sleeping advances it, nothing waits for real. */
  public Timing timing() {
    return new Timing() {
      @Override
      public long nowMillis() {
        synchronized (FakeAws.this) {
          return state.now;
        }
      }

      @Override
      public void sleep(Duration duration) {
        synchronized (FakeAws.this) {
          state.now += duration.toMillis();
        }
      }
    };
  }

  /** A client provider for this account (unit tests open sessions with it). */
  public io.fwoa.engine.aws.AwsClientProvider provider() {
    FakeAws self = this;
    return new io.fwoa.engine.aws.AwsClientProvider() {
      @Override
      public String name() {
        return "fake";
      }

      @Override
      public <T extends software.amazon.awssdk.core.SdkClient> java.util.Optional<T> client(Class<T> type,
          io.fwoa.engine.aws.AwsTarget target) {
        Object c = type == software.amazon.awssdk.services.cloudformation.CloudFormationClient.class ? cloudFormation
            : type == software.amazon.awssdk.services.s3.S3Client.class ? s3
            : type == software.amazon.awssdk.services.sts.StsClient.class ? sts : null;
        return java.util.Optional.ofNullable(type.cast(c));
      }

      @Override
      public Timing timing() {
        return self.timing();
      }
    };
  }

  // ---- fault injection and inspection -------------------------------------------------------

  /** Make a resource fail at the given step (until {@link #clearFaults()}). */
  public synchronized FakeAws fail(String stackName, String logicalId, FaultKind kind, String reason) {
    faults.add(new Fault(stackName, logicalId, kind, reason));
    return this;
  }

  public synchronized void clearFaults() {
    faults.clear();
  }

  /** The next {@code times} calls of an operation ("DescribeStacks", or "*" for any) are throttled. */
  public synchronized FakeAws throttle(String operation, int times) {
    throttles.put(operation, times);
    return this;
  }

  /** Every call fails with an expired-token error while set. */
  public synchronized FakeAws expireCredentials(boolean expired) {
    this.expired = expired;
    return this;
  }

  /** Calls made, as "Service:Operation", in order. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  public synchronized void resetCalls() {
    calls.clear();
  }

  public synchronized long count(String serviceOperation) {
    return calls.stream().filter(serviceOperation::equals).count();
  }

  public synchronized long countService(String service) {
    return calls.stream().filter(c -> c.startsWith(service + ":")).count();
  }

  /** The stack's status now (advancing the clock to nothing), or null when it does not exist. */
  public synchronized String stackStatus(String name) {
    advance();
    StackState s = state.stacks.get(name);
    return s == null ? null : status(s);
  }

  public synchronized Map<String, String> outputs(String name) {
    advance();
    StackState s = state.stacks.get(name);
    return s == null ? Map.of() : new LinkedHashMap<>(s.outputs);
  }

  public synchronized boolean terminationProtection(String name) {
    StackState s = state.stacks.get(name);
    return s != null && s.terminationProtection;
  }

  public synchronized Set<String> objectKeys(String bucket) {
    return state.buckets.getOrDefault(bucket, Map.of()).keySet();
  }

  public synchronized byte[] object(String bucket, String key) {
    ObjectState o = state.buckets.getOrDefault(bucket, Map.of()).get(key);
    return o == null ? null : o.content;
  }

  public synchronized void createBucket(String name) {
    state.buckets.computeIfAbsent(name, k -> new LinkedHashMap<>());
  }

  public synchronized boolean bucketExists(String name) {
    return state.buckets.containsKey(name);
  }

  public synchronized long now() {
    return state.now;
  }

  // ---- persistence (integration tests run one Maven JVM per goal) ----------------------------

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static FakeAws load(Path file) {
    try {
      FakeState s = Files.isRegularFile(file) ? JSON.readValue(file.toFile(), FakeState.class) : new FakeState();
      return new FakeAws(DEFAULT_ACCOUNT, "us-west-2", s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Finishes running operations (as if time passed) and writes the state. */
  public synchronized void save(Path file) {
    if (state.stacks.values().stream().anyMatch(s -> s.operationEnd > state.now)) {
      state.now = state.stacks.values().stream().mapToLong(s -> s.operationEnd).max().orElse(state.now) + 1000;
    }
    advance();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writeValue(file.toFile(), state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- call plumbing ------------------------------------------------------------------------

  /** Records a call, applies injected throttling and expiry, and brings the world up to now. */
  synchronized void enter(String service, String operation) {
    calls.add(service + ":" + operation);
    if (expired) {
      throw error(service, "STS".equals(service) ? "ExpiredTokenException" : "ExpiredToken", 403,
          "The security token included in the request is expired");
    }
    for (String key : List.of(operation, "*")) {
      Integer left = throttles.get(key);
      if (left != null && left > 0) {
        throttles.put(key, left - 1);
        throw error(service, "S3".equals(service) ? "SlowDown" : "Throttling", "S3".equals(service) ? 503 : 400,
            "Rate exceeded");
      }
    }
    advance();
  }

  static AwsServiceException error(String service, String code, int status, String message) {
    AwsErrorDetails details = AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName(service)
        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build()).build();
    return switch (service) {
      case "CloudFormation" -> software.amazon.awssdk.services.cloudformation.model.CloudFormationException.builder()
          .awsErrorDetails(details).statusCode(status).message(message).build();
      case "S3" -> software.amazon.awssdk.services.s3.model.S3Exception.builder()
          .awsErrorDetails(details).statusCode(status).message(message).build();
      default -> software.amazon.awssdk.services.sts.model.StsException.builder()
          .awsErrorDetails(details).statusCode(status).message(message).build();
    };
  }

  static AwsServiceException validation(String message) {
    return error("CloudFormation", "ValidationError", 400, message);
  }

  /** Applies the results of operations that have ended by now. */
  synchronized void advance() {
    for (StackState s : new ArrayList<>(state.stacks.values())) {
      Commit c = s.pending;
      if (c != null && c.time <= state.now) {
        s.pending = null;
        s.operationEnd = 0;
        c.createBuckets.forEach(b -> state.buckets.computeIfAbsent(b, k -> new LinkedHashMap<>()));
        c.deleteBuckets.forEach(b -> state.buckets.remove(b));
        if (c.deleted) {
          state.stacks.remove(s.name);
          state.deletedStacks.add(s);
          continue;
        }
        if (c.templateBody != null) {
          s.templateBody = c.templateBody;
        }
        if (c.parameters != null) {
          s.parameters = c.parameters;
        }
        if (c.tags != null) {
          s.tags = c.tags;
        }
        if (c.resources != null) {
          s.resources = c.resources;
        }
        if (c.outputs != null) {
          s.outputs = c.outputs;
        }
      }
    }
  }

  // ---- stack queries ------------------------------------------------------------------------

  StackState find(String nameOrId) {
    StackState live = state.stacks.get(nameOrId);
    if (live != null) {
      return live;
    }
    for (StackState s : state.stacks.values()) {
      if (s.id.equals(nameOrId)) {
        return s;
      }
    }
    if (nameOrId.startsWith("arn:")) {
      for (StackState s : state.deletedStacks) {
        if (s.id.equals(nameOrId)) {
          return s;
        }
      }
    }
    return null;
  }

  /** Status = the latest stack-level event that has happened. */
  String status(StackState s) {
    EventState e = lastStackEvent(s);
    return e == null ? "REVIEW_IN_PROGRESS" : e.status;
  }

  String statusReason(StackState s) {
    EventState e = lastStackEvent(s);
    return e == null ? null : e.reason;
  }

  private EventState lastStackEvent(StackState s) {
    EventState last = null;
    for (EventState e : s.events) {
      if (e.time <= state.now && e.logicalId.equals(s.name) && "AWS::CloudFormation::Stack".equals(e.type)) {
        last = e;
      }
    }
    return last;
  }

  List<EventState> visibleEvents(StackState s) {
    List<EventState> out = new ArrayList<>();
    for (EventState e : s.events) {
      if (e.time <= state.now) {
        out.add(e);
      }
    }
    out.sort(Comparator.comparingLong((EventState e) -> e.time).thenComparing(e -> e.id));
    Collections.reverse(out);
    return out;
  }

  boolean busy(StackState s) {
    return s.operationEnd > state.now;
  }

  String nextId() {
    return String.format("%012d", ++state.sequence);
  }

  String newStackId(String name) {
    String h = FakeTemplates.hash(name + nextId()).toLowerCase();
    return "arn:aws:cloudformation:" + region + ":" + account + ":stack/" + name + "/" + h.substring(0, 8) + "-"
        + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20, 32);
  }

  void event(StackState s, long time, String logicalId, String physicalId, String type, String status, String reason,
      String token) {
    EventState e = new EventState();
    e.id = logicalId + "-" + status + "-" + nextId();
    e.time = time;
    e.logicalId = logicalId;
    e.physicalId = physicalId;
    e.type = type;
    e.status = status;
    e.reason = reason;
    e.token = token;
    s.events.add(e);
  }

  void stackEvent(StackState s, long time, String status, String reason, String token) {
    event(s, time, s.name, s.id, "AWS::CloudFormation::Stack", status, reason, token);
  }

  private Fault fault(String stack, String logicalId, FaultKind kind) {
    for (Fault f : faults) {
      if (f.stackName().equals(stack) && f.logicalId().equals(logicalId) && f.kind() == kind) {
        return f;
      }
    }
    return null;
  }

  FakeTemplates.Context context(StackState s, Map<String, ResourceState> resources, Map<String, String> params) {
    return new FakeTemplates.Context(account, region, s.name, s.id, resources, params);
  }

  // ---- change sets ------------------------------------------------------------------------

  /** The changes from the stack's current template to a new one. */
  List<ChangeState> changes(StackState s, JsonNode newTemplate, Map<String, String> newTags) {
    JsonNode old = s.templateBody == null ? FakeTemplates.JSON.createObjectNode() : FakeTemplates.parse(s.templateBody);
    Map<String, JsonNode> before = FakeTemplates.resources(old);
    Map<String, JsonNode> after = FakeTemplates.resources(newTemplate);
    boolean tagsChanged = !newTags.equals(s.tags);
    List<ChangeState> changes = new ArrayList<>();
    after.forEach((id, r) -> {
      JsonNode prev = before.get(id);
      ChangeState c = new ChangeState();
      c.logicalId = id;
      c.type = r.path("Type").asText();
      if (prev == null) {
        c.action = "Add";
        c.replacement = null;
      } else if (!prev.path("Type").equals(r.path("Type"))) {
        c.action = "Modify";
        c.replacement = "True";
      } else if (!prev.path("Properties").equals(r.path("Properties")) || !prev.path("Metadata").equals(r.path("Metadata"))
          || tagsChanged) {
        c.action = "Modify";
        c.replacement = FakeTemplates.replacement(c.type, prev.path("Properties"), r.path("Properties"));
      } else {
        return;
      }
      ResourceState existing = s.resources.get(id);
      c.physicalId = existing == null ? null : existing.physicalId;
      changes.add(c);
    });
    before.forEach((id, r) -> {
      if (!after.containsKey(id)) {
        ChangeState c = new ChangeState();
        c.action = "Remove";
        c.logicalId = id;
        c.type = r.path("Type").asText();
        ResourceState existing = s.resources.get(id);
        c.physicalId = existing == null ? null : existing.physicalId;
        changes.add(c);
      }
    });
    return changes;
  }

  /** A change set's status at the current time. */
  String changeSetStatus(ChangeSetState c) {
    long age = state.now - c.created;
    if (age < 1000) {
      return "CREATE_PENDING";
    }
    if (age < 3000) {
      return "CREATE_IN_PROGRESS";
    }
    return c.finalStatus;
  }

  String executionStatus(ChangeSetState c) {
    if (!"CREATE_COMPLETE".equals(changeSetStatus(c))) {
      return "UNAVAILABLE";
    }
    if (!c.executed) {
      return "AVAILABLE";
    }
    StackState s = find(c.stackId);
    if (s != null && busy(s)) {
      return "EXECUTE_IN_PROGRESS";
    }
    String status = s == null ? "" : status(s);
    return status.endsWith("_COMPLETE") && !status.contains("ROLLBACK") ? "EXECUTE_COMPLETE" : "EXECUTE_FAILED";
  }

  // ---- operations ---------------------------------------------------------------------------

  /** Schedules the execution of a change set (a create or an update) from now on. */
  void execute(ChangeSetState cs, StackState s, String token) {
    cs.executed = true;
    JsonNode template = FakeTemplates.parse(cs.templateBody);
    boolean create = "CREATE".equals(cs.type);
    // The stack's status changes when ExecuteChangeSet returns; resources start a moment later.
    long t = state.now;
    if (create) {
      s.created = state.now;
    } else {
      s.lastUpdated = state.now;
    }
    stackEvent(s, t, create ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS", "User Initiated", token);
    Map<String, JsonNode> newResources = FakeTemplates.resources(template);
    Map<String, Set<String>> deps = FakeTemplates.dependencies(template);

    // What has to happen to each resource of the new template.
    Map<String, ChangeState> byId = new LinkedHashMap<>();
    for (ChangeState c : cs.changes) {
      byId.put(c.logicalId, c);
    }
    List<String> work = new ArrayList<>();
    for (String id : newResources.keySet()) {
      ChangeState c = byId.get(id);
      if (c != null && !"Remove".equals(c.action)) {
        work.add(id);
      }
    }
    Map<String, ResourceState> next = new LinkedHashMap<>();
    s.resources.forEach((k, v) -> next.put(k, copy(v)));
    Map<String, String> params = new LinkedHashMap<>(cs.parameters);
    FakeTemplates.Context ctx = context(s, next, params);

    // Schedule: a resource starts when the resources it refers to are done.
    Map<String, Long> start = new HashMap<>();
    Map<String, Long> end = new HashMap<>();
    Set<String> pending = new LinkedHashSet<>(work);
    while (!pending.isEmpty()) {
      boolean progressed = false;
      for (String id : new ArrayList<>(pending)) {
        Set<String> d = new LinkedHashSet<>(deps.getOrDefault(id, Set.of()));
        d.retainAll(work);
        if (d.stream().allMatch(end::containsKey)) {
          long st = d.stream().mapToLong(end::get).max().orElse(t) + 1000;
          start.put(id, st);
          end.put(id, st + FakeTemplates.seconds(newResources.get(id).path("Type").asText()) * 1000);
          pending.remove(id);
          progressed = true;
        }
      }
      if (!progressed) {
        for (String id : pending) {
          start.put(id, t + 1000);
          end.put(id, t + 4000);
        }
        pending.clear();
      }
    }
    List<String> ordered = new ArrayList<>(work);
    ordered.sort(Comparator.comparingLong(end::get));

    // Physical ids (resolved in dependency order so names can refer to other resources).
    List<String> byStart = new ArrayList<>(work);
    byStart.sort(Comparator.comparingLong(start::get));
    Map<String, String> failures = new LinkedHashMap<>();
    for (String id : byStart) {
      JsonNode r = newResources.get(id);
      ChangeState c = byId.get(id);
      String type = r.path("Type").asText();
      ResourceState rs = next.containsKey(id) && !"True".equals(c.replacement) ? next.get(id) : new ResourceState();
      rs.logicalId = id;
      rs.type = type;
      if (rs.physicalId == null || "True".equals(c.replacement)) {
        rs.physicalId = FakeTemplates.physicalId(s.name, id, type, r.path("Properties"), ctx, state.sequence++);
      }
      rs.properties = r.path("Properties").toString();
      rs.retain = "Retain".equals(r.path("DeletionPolicy").asText()) || "RetainExceptOnCreate".equals(r.path("DeletionPolicy").asText());
      String reason = failureReason(s.name, id, "Add".equals(c.action) ? FaultKind.CREATE : FaultKind.UPDATE, r, ctx);
      if (reason != null) {
        failures.put(id, reason);
      }
      next.put(id, rs);
    }
    long failAt = failures.keySet().stream().mapToLong(end::get).min().orElse(Long.MAX_VALUE);

    List<String> done = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (String id : byStart) {
      ChangeState c = byId.get(id);
      boolean add = "Add".equals(c.action);
      String type = newResources.get(id).path("Type").asText();
      String physical = next.get(id).physicalId;
      String prefix = add ? "CREATE" : "UPDATE";
      long st = start.get(id);
      long en = end.get(id);
      if (st >= failAt) {
        continue; // never started
      }
      event(s, st, id, add ? "" : physical, type, prefix + "_IN_PROGRESS", null, token);
      String initiated = add ? "Resource creation Initiated"
          : "True".equals(c.replacement) ? "Requested update requires the creation of a new physical resource; hence creating one."
          : null;
      if (initiated != null) {
        event(s, st + 200, id, physical, type, prefix + "_IN_PROGRESS", initiated, token);
      }
      if (en < failAt || en == failAt && !failures.containsKey(id)) {
        event(s, en, id, physical, type, prefix + "_COMPLETE", null, token);
        done.add(id);
      } else if (en == failAt) {
        event(s, en, id, physical, type, prefix + "_FAILED", failures.get(id), token);
        failed.add(id);
      } else {
        event(s, failAt + 1000, id, physical, type, prefix + "_FAILED",
            add ? "Resource creation cancelled" : "Resource update cancelled", token);
        failed.add(id);
      }
    }

    Commit commit = new Commit();
    long tEnd;
    if (failAt == Long.MAX_VALUE) {
      // Success: clean up removed and replaced resources, then complete.
      long last = end.values().stream().mapToLong(Long::longValue).max().orElse(t) + 1000;
      List<ResourceState> obsolete = new ArrayList<>();
      for (ChangeState c : cs.changes) {
        ResourceState old = s.resources.get(c.logicalId);
        if (old != null && ("Remove".equals(c.action) || "True".equals(c.replacement))) {
          obsolete.add(old);
          if ("Remove".equals(c.action)) {
            next.remove(c.logicalId);
          }
        }
      }
      if (create) {
        tEnd = last;
        stackEvent(s, tEnd, "CREATE_COMPLETE", null, token);
      } else {
        stackEvent(s, last, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", null, token);
        long tt = last + 500;
        for (ResourceState old : obsolete) {
          tt = deleteResource(s, old, tt, token, commit) + 500;
        }
        tEnd = tt + 500;
        stackEvent(s, tEnd, "UPDATE_COMPLETE", null, token);
      }
      commit.templateBody = cs.templateBody;
      commit.parameters = params;
      commit.tags = new LinkedHashMap<>(cs.tags);
      commit.resources = next;
      commit.outputs = outputs(template, context(s, next, params));
      for (ResourceState r : next.values()) {
        if ("AWS::S3::Bucket".equals(r.type)) {
          commit.createBuckets.add(r.physicalId);
        }
      }
    } else if (create) {
      String list = String.join(", ", failures.keySet());
      long tr = failAt + 2000;
      stackEvent(s, tr, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [" + list
          + "]. Rollback requested by user.", token);
      long tt = tr + 500;
      List<String> undo = new ArrayList<>(done);
      undo.addAll(failed);
      Collections.reverse(undo);
      Map<String, ResourceState> left = new LinkedHashMap<>();
      for (String id : undo) {
        ResourceState r = next.get(id);
        event(s, tt, id, r.physicalId, r.type, "DELETE_IN_PROGRESS", null, token);
        tt += FakeTemplates.seconds(r.type) * 500;
        Fault f = fault(s.name, id, FaultKind.DELETE);
        if (f != null) {
          event(s, tt, id, r.physicalId, r.type, "DELETE_FAILED", f.reason(), token);
          left.put(id, r);
        } else {
          event(s, tt, id, r.physicalId, r.type, "DELETE_COMPLETE", null, token);
        }
        tt += 200;
      }
      tEnd = tt + 500;
      if (left.isEmpty()) {
        stackEvent(s, tEnd, "ROLLBACK_COMPLETE", null, token);
      } else {
        // A resource the rollback could not delete: the stack keeps it and ends ROLLBACK_FAILED.
        stackEvent(s, tEnd, "ROLLBACK_FAILED", "The following resource(s) failed to delete: ["
            + String.join(", ", left.keySet()) + "]. ", token);
      }
      commit.templateBody = cs.templateBody;
      commit.resources = left;
      commit.outputs = new LinkedHashMap<>();
    } else {
      String list = String.join(", ", failures.keySet());
      long tr = failAt + 2000;
      stackEvent(s, tr, "UPDATE_ROLLBACK_IN_PROGRESS", "The following resource(s) failed to "
          + (failures.keySet().stream().allMatch(id -> "Add".equals(byId.get(id).action)) ? "create" : "update")
          + ": [" + list + "]. ", token);
      long tt = tr + 500;
      List<String> rollbackFailures = new ArrayList<>();
      List<String> revert = new ArrayList<>(done);
      revert.addAll(failed);
      Collections.reverse(revert);
      List<String> added = new ArrayList<>();
      for (String id : revert) {
        ChangeState c = byId.get(id);
        ResourceState r = next.get(id);
        if ("Add".equals(c.action)) {
          added.add(id);
          continue;
        }
        ResourceState old = s.resources.get(id);
        event(s, tt, id, old.physicalId, old.type, "UPDATE_IN_PROGRESS", null, token);
        tt += FakeTemplates.seconds(old.type) * 1000;
        Fault f = fault(s.name, id, FaultKind.ROLLBACK);
        if (f != null) {
          event(s, tt, id, old.physicalId, old.type, "UPDATE_FAILED", f.reason(), token);
          rollbackFailures.add(id);
        } else {
          event(s, tt, id, old.physicalId, old.type, "UPDATE_COMPLETE", null, token);
        }
        tt += 200;
        if (!r.physicalId.equals(old.physicalId)) {
          added.add(id); // the replacement created in the update is deleted in the cleanup
        }
      }
      if (!rollbackFailures.isEmpty()) {
        tEnd = tt + 500;
        stackEvent(s, tEnd, "UPDATE_ROLLBACK_FAILED", "The following resource(s) failed to update: ["
            + String.join(", ", rollbackFailures) + "]. ", token);
      } else {
        stackEvent(s, tt, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", null, token);
        tt += 500;
        for (String id : added) {
          ResourceState r = next.get(id);
          event(s, tt, id, r.physicalId, r.type, "DELETE_IN_PROGRESS", null, token);
          tt += 1000;
          event(s, tt, id, r.physicalId, r.type, "DELETE_COMPLETE", null, token);
          tt += 200;
        }
        tEnd = tt + 500;
        stackEvent(s, tEnd, "UPDATE_ROLLBACK_COMPLETE", null, token);
      }
      // The template and resources stay the previous ones.
    }
    commit.time = tEnd;
    s.pending = commit;
    s.operationEnd = tEnd;
  }

  /** Continues a rollback that failed: succeeds when the failing resource is fixed (fault cleared) or skipped. */
  void continueRollback(StackState s, List<String> skip, String token) {
    long t = state.now;
    stackEvent(s, t, "UPDATE_ROLLBACK_IN_PROGRESS", "Continue rollback requested by user", token);
    long tt = t + 500;
    List<String> stillFailing = new ArrayList<>();
    for (Fault f : faults) {
      if (f.kind() == FaultKind.ROLLBACK && f.stackName().equals(s.name) && !skip.contains(f.logicalId())) {
        ResourceState r = s.resources.get(f.logicalId());
        if (r != null) {
          event(s, tt, r.logicalId, r.physicalId, r.type, "UPDATE_IN_PROGRESS", null, token);
          tt += 1000;
          event(s, tt, r.logicalId, r.physicalId, r.type, "UPDATE_FAILED", f.reason(), token);
          stillFailing.add(r.logicalId);
        }
      }
    }
    for (String id : skip) {
      ResourceState r = s.resources.get(id);
      if (r != null) {
        event(s, tt, id, r.physicalId, r.type, "UPDATE_COMPLETE", "Resource skipped during UpdateRollback", token);
        tt += 200;
      }
    }
    long tEnd = tt + 500;
    if (stillFailing.isEmpty()) {
      stackEvent(s, tt, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", null, token);
      stackEvent(s, tEnd, "UPDATE_ROLLBACK_COMPLETE", null, token);
    } else {
      stackEvent(s, tEnd, "UPDATE_ROLLBACK_FAILED", "The following resource(s) failed to update: ["
          + String.join(", ", stillFailing) + "]. ", token);
    }
    Commit c = new Commit();
    c.time = tEnd;
    s.pending = c;
    s.operationEnd = tEnd;
  }

  /** Schedules a stack deletion: resources in reverse dependency order, retained ones skipped. */
  void delete(StackState s, String token) {
    long t = state.now;
    stackEvent(s, t, "DELETE_IN_PROGRESS", "User Initiated", token);
    Commit commit = new Commit();
    List<String> order = new ArrayList<>();
    if (s.templateBody != null) {
      Map<String, Set<String>> deps = FakeTemplates.dependencies(FakeTemplates.parse(s.templateBody));
      Set<String> placed = new LinkedHashSet<>();
      List<String> ids = new ArrayList<>(s.resources.keySet());
      while (placed.size() < ids.size()) {
        boolean progressed = false;
        for (String id : ids) {
          if (!placed.contains(id) && deps.getOrDefault(id, Set.of()).stream()
              .filter(ids::contains).allMatch(placed::contains)) {
            placed.add(id);
            progressed = true;
          }
        }
        if (!progressed) {
          placed.addAll(ids);
        }
      }
      order.addAll(placed);
      Collections.reverse(order);
    }
    long tt = t + 500;
    List<String> failedIds = new ArrayList<>();
    for (String id : order) {
      ResourceState r = s.resources.get(id);
      if (r.retain) {
        event(s, tt, id, r.physicalId, r.type, "DELETE_SKIPPED", null, token);
        tt += 200;
        continue;
      }
      Fault f = fault(s.name, id, FaultKind.DELETE);
      String reason = f != null ? f.reason()
          : "AWS::S3::Bucket".equals(r.type) && !state.buckets.getOrDefault(r.physicalId, Map.of()).isEmpty()
              ? "Resource handler returned message: \"The bucket you tried to delete is not empty (Service: S3, Status Code: 409)\""
              : null;
      event(s, tt, id, r.physicalId, r.type, "DELETE_IN_PROGRESS", null, token);
      tt += FakeTemplates.seconds(r.type) * 500;
      if (reason != null) {
        event(s, tt, id, r.physicalId, r.type, "DELETE_FAILED", reason, token);
        failedIds.add(id);
      } else {
        event(s, tt, id, r.physicalId, r.type, "DELETE_COMPLETE", null, token);
        if ("AWS::S3::Bucket".equals(r.type)) {
          commit.deleteBuckets.add(r.physicalId);
        }
      }
      tt += 200;
    }
    long tEnd = tt + 500;
    if (failedIds.isEmpty()) {
      stackEvent(s, tEnd, "DELETE_COMPLETE", null, token);
      commit.deleted = true;
    } else {
      stackEvent(s, tEnd, "DELETE_FAILED", "The following resource(s) failed to delete: [" + String.join(", ", failedIds)
          + "]. ", token);
      Map<String, ResourceState> left = new LinkedHashMap<>();
      for (String id : failedIds) {
        left.put(id, s.resources.get(id));
      }
      s.resources.forEach((id, r) -> {
        if (r.retain) {
          left.putIfAbsent(id, r);
        }
      });
      commit.resources = left;
    }
    commit.time = tEnd;
    s.pending = commit;
    s.operationEnd = tEnd;
  }

  private long deleteResource(StackState s, ResourceState r, long tt, String token, Commit commit) {
    if (r.retain) {
      event(s, tt, r.logicalId, r.physicalId, r.type, "DELETE_SKIPPED", null, token);
      return tt;
    }
    event(s, tt, r.logicalId, r.physicalId, r.type, "DELETE_IN_PROGRESS", null, token);
    tt += FakeTemplates.seconds(r.type) * 500;
    event(s, tt, r.logicalId, r.physicalId, r.type, "DELETE_COMPLETE", null, token);
    if ("AWS::S3::Bucket".equals(r.type)) {
      commit.deleteBuckets.add(r.physicalId);
    }
    return tt;
  }

  /** Why a resource fails, if it does: an injected fault, or Lambda code that was never uploaded. */
  private String failureReason(String stack, String id, FaultKind kind, JsonNode resource, FakeTemplates.Context ctx) {
    Fault f = fault(stack, id, kind);
    if (f != null) {
      return f.reason();
    }
    if ("AWS::Lambda::Function".equals(resource.path("Type").asText())) {
      JsonNode code = resource.path("Properties").path("Code");
      if (code.has("S3Bucket")) {
        String bucket = FakeTemplates.resolve(code.get("S3Bucket"), ctx);
        String key = FakeTemplates.resolve(code.get("S3Key"), ctx);
        Map<String, ObjectState> objects = state.buckets.get(bucket);
        if (objects == null) {
          return "Resource handler returned message: \"Error occurred while GetObject. S3 Error Code: NoSuchBucket. "
              + "S3 Error Message: The specified bucket does not exist (Service: Lambda, Status Code: 400)\"";
        }
        if (!objects.containsKey(key)) {
          return "Resource handler returned message: \"Error occurred while GetObject. S3 Error Code: NoSuchKey. "
              + "S3 Error Message: The specified key does not exist. (Service: Lambda, Status Code: 400)\"";
        }
      }
    }
    return null;
  }

  private Map<String, String> outputs(JsonNode template, FakeTemplates.Context ctx) {
    Map<String, String> out = new TreeMap<>();
    template.path("Outputs").properties().forEach(e -> out.put(e.getKey(), FakeTemplates.resolve(e.getValue().path("Value"), ctx)));
    return new LinkedHashMap<>(out);
  }

  private static ResourceState copy(ResourceState r) {
    ResourceState c = new ResourceState();
    c.logicalId = r.logicalId;
    c.type = r.type;
    c.physicalId = r.physicalId;
    c.properties = r.properties;
    c.retain = r.retain;
    return c;
  }
}
