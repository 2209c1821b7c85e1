package io.fwoa.constructs.nag;

import java.util.Arrays;
import java.util.List;
import software.amazon.awscdk.Stack;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.constructs.IConstruct;

/**
 * Every cdk-nag suppression in fwoa goes through here, and every one carries the reason it is
 * acceptable. Prefer {@code appliesTo} findings over whole rules where a rule reports several.
 */
public final class Suppressions {

  private Suppressions() {}

  /**
   * Suppresses a rule on a construct and its children. {@code appliesTo} narrows it to specific
   * findings (such as {@code Action::kms:ReEncrypt*}); see {@link #matching(String)} for patterns.
   */
  public static void suppress(IConstruct construct, String ruleId, String reason, Object... appliesTo) {
    NagSuppressions.addResourceSuppressions(construct, List.of(suppression(ruleId, reason, appliesTo)), true);
  }

  /** A finding pattern, in cdk-nag's "/regex/flags" syntax, for {@code appliesTo}. */
  public static Object matching(String regex) {
    return RegexAppliesTo.builder().regex("/" + regex + "/g").build();
  }

  /** Suppresses a rule on a construct by path, for constructs created inside aws-cdk-lib. */
  public static void suppressPath(Stack stack, String path, String ruleId, String reason, Object... appliesTo) {
    NagSuppressions.addResourceSuppressionsByPath(stack, path, List.of(suppression(ruleId, reason, appliesTo)), true);
  }

  private static NagPackSuppression suppression(String ruleId, String reason, Object... appliesTo) {
    NagPackSuppression.Builder b = NagPackSuppression.builder().id(ruleId).reason(reason);
    if (appliesTo.length > 0) {
      b.appliesTo(Arrays.asList(appliesTo));
    }
    return b.build();
  }
}
