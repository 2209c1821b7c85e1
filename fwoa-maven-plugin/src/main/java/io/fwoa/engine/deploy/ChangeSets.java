package io.fwoa.engine.deploy;

import io.fwoa.engine.aws.AwsSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.ResourceChange;

/** Waiting for change sets and reading their changes. */
final class ChangeSets {

  private ChangeSets() {}

  /** Polls until the change set is created (CREATE_COMPLETE) or failed; the response holds the first page of changes. */
  static DescribeChangeSetResponse waitForCreation(AwsSession session, String changeSetId, String stackName) {
    while (true) {
      DescribeChangeSetResponse r = session.calls().call("CloudFormation", "DescribeChangeSet",
          () -> session.cloudFormation().describeChangeSet(b -> b.changeSetName(changeSetId).stackName(stackName)));
      String status = r.statusAsString();
      if ("CREATE_COMPLETE".equals(status) || "FAILED".equals(status) || status != null && status.startsWith("DELETE")) {
        return r;
      }
      session.timing().sleep(StackDeployer.CHANGE_SET_POLL);
    }
  }

  /**
   * CloudFormation fails a change set that changes nothing with one of these messages; that is not
   * an error but "no changes".
   */
  static boolean isNoChange(String reason) {
    if (reason == null) {
      return false;
    }
    String r = reason.toLowerCase(Locale.ROOT);
    return r.contains("didn't contain changes") || r.contains("no updates are to be performed");
  }

  /** Every resource change of a created change set (all pages). */
  static List<ResourceChange> changes(AwsSession session, DescribeChangeSetResponse first) {
    List<ResourceChange> out = new ArrayList<>();
    DescribeChangeSetResponse page = first;
    while (true) {
      for (Change c : page.changes()) {
        if (c.resourceChange() != null) {
          out.add(c.resourceChange());
        }
      }
      String token = page.nextToken();
      if (token == null) {
        return out;
      }
      String id = first.changeSetId();
      String stack = first.stackId();
      page = session.calls().call("CloudFormation", "DescribeChangeSet",
          () -> session.cloudFormation().describeChangeSet(b -> b.changeSetName(id).stackName(stack).nextToken(token)));
    }
  }

  /** "3 to add, 2 to modify (1 replacement), 0 to remove". */
  static String summary(AwsSession session, DescribeChangeSetResponse changeSet) {
    int add = 0;
    int modify = 0;
    int replace = 0;
    int remove = 0;
    for (ResourceChange c : changes(session, changeSet)) {
      switch (c.actionAsString()) {
        case "Add" -> add++;
        case "Remove" -> remove++;
        default -> {
          modify++;
          if ("True".equals(c.replacementAsString())) {
            replace++;
          }
        }
      }
    }
    return add + " to add, " + modify + " to modify" + (replace > 0 ? " (" + replace + " replaced)" : "") + ", "
        + remove + " to remove";
  }
}
