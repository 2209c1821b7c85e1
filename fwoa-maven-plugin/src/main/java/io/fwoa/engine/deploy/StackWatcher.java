package io.fwoa.engine.deploy;

import io.fwoa.engine.aws.AwsCallException;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.log.EngineLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsResponse;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;

/**
 * Waits for a stack operation to finish, streaming its events to the log as plain lines with the
 * elapsed time (no ANSI codes, so batch-mode logs and CI read well), and keeps the events so a
 * failure can show the resource events that caused it.
 */
final class StackWatcher {

  static final Duration POLL = Duration.ofSeconds(5);
  /** Say what is still running after this long without a new event (an OpenSearch domain takes 15+ minutes). */
  static final Duration QUIET = Duration.ofSeconds(60);

  private final AwsSession session;
  private final EngineLog log;
  private final String stackName;
  private final Function<String, String> displayName;
  private final Set<String> seen = new HashSet<>();
  private final List<StackEvent> events = new ArrayList<>();
  private final Map<String, StackEvent> running = new LinkedHashMap<>();
  private String marker;
  private long start;

  /**
   * @param displayName logical id to a readable resource name (construct path)
   */
  StackWatcher(AwsSession session, EngineLog log, String stackName, Function<String, String> displayName) {
    this.session = session;
    this.log = log;
    this.stackName = stackName;
    this.displayName = displayName;
  }

  /** How long a stack may look unchanged after an operation was started, before its status is believed. */
  static final Duration START_GRACE = Duration.ofSeconds(30);

  private boolean requireStart;
  private boolean sawStackEvent;

  /** Remembers the newest existing event, so only events of the coming operation are shown. */
  void markBeforeOperation(String stackId) {
    requireStart = true;
    sawStackEvent = false;
    DescribeStackEventsResponse page = session.calls().call("CloudFormation", "DescribeStackEvents",
        () -> session.cloudFormation().describeStackEvents(r -> r.stackName(stackId)));
    marker = page.stackEvents().isEmpty() ? null : page.stackEvents().get(0).eventId();
    start = session.timing().nowMillis();
  }

  /** For an operation that started without a marker (the stack did not exist before it). */
  void startNow() {
    requireStart = false;
    marker = null;
    start = session.timing().nowMillis();
  }

  long elapsedMillis() {
    return session.timing().nowMillis() - start;
  }

  /**
   * Polls until the stack leaves every *_IN_PROGRESS status.
   *
   * @param stackId the stack's id (ARN), which still describes the stack after it is deleted
   * @return the stack in its final status
   */
  Stack waitForStable(String stackId) {
    long lastNews = session.timing().nowMillis();
    long begin = lastNews;
    while (true) {
      Stack stack = describe(stackId);
      if (printNewEvents(stackId) > 0) {
        lastNews = session.timing().nowMillis();
      }
      // Until the operation's first stack event is seen, a stable status may still be the old one.
      boolean started = !requireStart || sawStackEvent || session.timing().nowMillis() - begin > START_GRACE.toMillis();
      if (started && !StackStates.inProgress(stack.stackStatusAsString())) {
        return stack;
      }
      if (session.timing().nowMillis() - lastNews >= QUIET.toMillis()) {
        log.info(prefix() + stackName + " is " + stack.stackStatusAsString() + "; still running: " + runningSummary());
        lastNews = session.timing().nowMillis();
      }
      session.timing().sleep(POLL);
    }
  }

  private Stack describe(String stackId) {
    List<Stack> stacks = session.calls().call("CloudFormation", "DescribeStacks",
        () -> session.cloudFormation().describeStacks(r -> r.stackName(stackId))).stacks();
    if (stacks.isEmpty()) {
      throw new AwsCallException("CloudFormation", "DescribeStacks", "ValidationError",
          "Stack with id " + stackId + " does not exist", null);
    }
    return stacks.get(0);
  }

  /** Fetches events newer than the last seen one (newest first from the API) and logs them oldest first. */
  private int printNewEvents(String stackId) {
    List<StackEvent> fresh = new ArrayList<>();
    String token = null;
    outer:
    do {
      String next = token;
      DescribeStackEventsResponse page = session.calls().call("CloudFormation", "DescribeStackEvents",
          () -> session.cloudFormation().describeStackEvents(r -> r.stackName(stackId).nextToken(next)));
      for (StackEvent e : page.stackEvents()) {
        if (e.eventId().equals(marker) || seen.contains(e.eventId())) {
          break outer;
        }
        fresh.add(e);
      }
      token = page.nextToken();
    } while (token != null);
    Collections.reverse(fresh);
    for (StackEvent e : fresh) {
      if ("AWS::CloudFormation::Stack".equals(e.resourceType()) && stackName.equals(e.logicalResourceId())) {
        sawStackEvent = true;
      }
      seen.add(e.eventId());
      events.add(e);
      track(e);
      String reason = e.resourceStatusReason();
      String line = prefix() + String.format("%-28s %-32s %s", status(e), e.resourceType(), name(e))
          + (reason == null || reason.isBlank() ? "" : "  " + reason);
      if (StackStates.isFailure(e.resourceStatusAsString()) && !isCancellation(reason)) {
        log.warn(line);
      } else {
        log.info(line);
      }
    }
    return fresh.size();
  }

  private String status(StackEvent e) {
    return e.resourceStatusAsString();
  }

  private String name(StackEvent e) {
    if (stackName.equals(e.logicalResourceId()) && "AWS::CloudFormation::Stack".equals(e.resourceType())) {
      return stackName;
    }
    return displayName.apply(e.logicalResourceId());
  }

  private void track(StackEvent e) {
    if ("AWS::CloudFormation::Stack".equals(e.resourceType())) {
      return;
    }
    if (StackStates.inProgress(e.resourceStatusAsString())) {
      running.putIfAbsent(e.logicalResourceId(), e);
    } else {
      running.remove(e.logicalResourceId());
    }
  }

  private String runningSummary() {
    if (running.isEmpty()) {
      return "waiting for CloudFormation";
    }
    List<String> parts = new ArrayList<>();
    for (StackEvent e : running.values()) {
      long since = session.timing().nowMillis() - e.timestamp().toEpochMilli();
      parts.add(name(e) + " (" + e.resourceType() + ", " + Elapsed.format(Math.max(0, since)) + ")");
      if (parts.size() == 5) {
        parts.add("...");
        break;
      }
    }
    return String.join(", ", parts);
  }

  private String prefix() {
    return "[" + Elapsed.format(elapsedMillis()) + "] ";
  }

  /** Events of the watched operation, oldest first. */
  List<StackEvent> events() {
    return List.copyOf(events);
  }

  /**
   * The events that explain a failure: failed resources whose reason is not a cancellation caused by
   * another failure, oldest first; the stack's own reason when no resource failed.
   */
  List<RootCause> rootCauses(Stack finalStack) {
    return rootCauses(events, finalStack);
  }

  private List<RootCause> rootCauses(List<StackEvent> chronological, Stack finalStack) {
    List<RootCause> causes = new ArrayList<>();
    boolean rollingBack = false;
    for (StackEvent e : chronological) {
      boolean stackEvent = "AWS::CloudFormation::Stack".equals(e.resourceType());
      if (stackEvent && e.resourceStatusAsString() != null && e.resourceStatusAsString().contains("ROLLBACK")) {
        rollingBack = true;
      }
      if (!stackEvent && StackStates.isFailure(e.resourceStatusAsString()) && !isCancellation(e.resourceStatusReason())) {
        causes.add(new RootCause(e.resourceStatusAsString(), e.resourceType(), e.logicalResourceId(), name(e),
            String.valueOf(e.resourceStatusReason()), rollingBack));
      }
    }
    if (causes.isEmpty() && finalStack != null && finalStack.stackStatusReason() != null) {
      causes.add(new RootCause(finalStack.stackStatusAsString(), "AWS::CloudFormation::Stack", stackName, stackName,
          finalStack.stackStatusReason(), false));
    }
    return causes;
  }

  /**
   * Root causes of the stack's most recent operation, read back from its events (for a stack found
   * failed at the start of a run).
   */
  List<RootCause> recentFailures(Stack stack) {
    List<StackEvent> recent = new ArrayList<>();
    String token = null;
    int pages = 0;
    outer:
    do {
      String next = token;
      DescribeStackEventsResponse page = session.calls().call("CloudFormation", "DescribeStackEvents",
          () -> session.cloudFormation().describeStackEvents(r -> r.stackName(stack.stackId()).nextToken(next)));
      for (StackEvent e : page.stackEvents()) {
        recent.add(e);
        boolean operationStart = "AWS::CloudFormation::Stack".equals(e.resourceType())
            && StackStates.inProgress(e.resourceStatusAsString()) && !e.resourceStatusAsString().contains("ROLLBACK")
            && !e.resourceStatusAsString().contains("CLEANUP");
        if (operationStart) {
          break outer;
        }
      }
      token = page.nextToken();
    } while (token != null && ++pages < 10);
    Collections.reverse(recent);
    return rootCauses(recent, stack);
  }

  /**
   * The stack's status before its latest operation of the given kind started, read from its
   * events (newest first), or null if not found in the first pages.
   */
  String statusBefore(String stackId, String operationStatus) {
    String token = null;
    boolean seenStart = false;
    int pages = 0;
    do {
      String next = token;
      DescribeStackEventsResponse page = session.calls().call("CloudFormation", "DescribeStackEvents",
          () -> session.cloudFormation().describeStackEvents(r -> r.stackName(stackId).nextToken(next)));
      for (StackEvent e : page.stackEvents()) {
        if (!"AWS::CloudFormation::Stack".equals(e.resourceType())) {
          continue;
        }
        if (seenStart) {
          return e.resourceStatusAsString();
        }
        seenStart = operationStatus.equals(e.resourceStatusAsString());
      }
      token = page.nextToken();
    } while (token != null && ++pages < 10);
    return null;
  }

  /** Events with this status in the watched operation (for example DELETE_SKIPPED). */
  List<StackEvent> eventsWithStatus(String status) {
    return events.stream().filter(e -> status.equals(e.resourceStatusAsString())).toList();
  }

  static boolean isCancellation(String reason) {
    if (reason == null) {
      return false;
    }
    String r = reason.toLowerCase(Locale.ROOT);
    return r.contains("resource creation cancelled") || r.contains("resource update cancelled")
        || r.contains("resource deletion cancelled");
  }
}
