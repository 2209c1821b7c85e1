package io.fwoa.fake.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the fake account holds, as plain data so it can be saved between Maven invocations
 * (an integration test deploys in one build and checks a no-op redeploy in the next).
 */
public final class FakeState {

  /** Virtual clock, epoch millis. */
  public long now = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  public long sequence;
  public Map<String, StackState> stacks = new LinkedHashMap<>();
  public List<StackState> deletedStacks = new ArrayList<>();
  public Map<String, ChangeSetState> changeSets = new LinkedHashMap<>();
  public Map<String, Map<String, ObjectState>> buckets = new LinkedHashMap<>();

  public static final class StackState {
    public String name;
    public String id;
    public String templateBody;
    public Map<String, String> parameters = new LinkedHashMap<>();
    public Map<String, String> tags = new LinkedHashMap<>();
    public boolean terminationProtection;
    public long created;
    public Long lastUpdated;
    public Map<String, ResourceState> resources = new LinkedHashMap<>();
    public Map<String, String> outputs = new LinkedHashMap<>();
    /** All events, including those of a running operation that lie in the (virtual) future. */
    public List<EventState> events = new ArrayList<>();
    /** State that becomes current when the running operation ends. */
    public Commit pending;
    /** When the running operation ends (0 when none runs). */
    public long operationEnd;
  }

  public static final class ResourceState {
    public String logicalId;
    public String type;
    public String physicalId;
    /** Properties as JSON text, to compare templates. */
    public String properties;
    public boolean retain;
  }

  public static final class EventState {
    public String id;
    public long time;
    public String logicalId;
    public String physicalId;
    public String type;
    public String status;
    public String reason;
    public String token;
  }

  public static final class Commit {
    public long time;
    public String templateBody;
    public Map<String, String> parameters;
    public Map<String, String> tags;
    public Map<String, ResourceState> resources;
    public Map<String, String> outputs;
    public boolean deleted;
    /** Buckets to create in S3 when the operation ends (AWS::S3::Bucket resources). */
    public List<String> createBuckets = new ArrayList<>();
    public List<String> deleteBuckets = new ArrayList<>();
  }

  public static final class ChangeSetState {
    public String id;
    public String name;
    public String stackName;
    public String stackId;
    public String type;
    public long created;
    public String finalStatus;
    public String statusReason;
    public String templateBody;
    public Map<String, String> parameters = new LinkedHashMap<>();
    public Map<String, String> tags = new LinkedHashMap<>();
    public List<ChangeState> changes = new ArrayList<>();
    public String clientToken;
    public boolean executed;
  }

  public static final class ChangeState {
    public String action;
    public String logicalId;
    public String physicalId;
    public String type;
    public String replacement;
  }

  public static final class ObjectState {
    public String key;
    public long size;
    public String etag;
    /** Content, kept for small objects only (templates). */
    public byte[] content;
  }
}
