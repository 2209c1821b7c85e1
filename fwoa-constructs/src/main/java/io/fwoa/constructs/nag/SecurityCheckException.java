package io.fwoa.constructs.nag;

import java.util.List;
import java.util.stream.Collectors;

/** Synthesis produced error findings (cdk-nag rules or construct errors). */
public class SecurityCheckException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<SecurityChecks.Finding> findings;

  public SecurityCheckException(List<SecurityChecks.Finding> findings) {
    super(describe(findings));
    this.findings = List.copyOf(findings);
  }

  public List<SecurityChecks.Finding> getFindings() {
    return findings;
  }

  private static String describe(List<SecurityChecks.Finding> findings) {
    return findings.size() + " security check error(s) in the synthesized stacks. Fix the resource, or "
        + "suppress the rule with a written reason (io.fwoa.constructs.nag.Suppressions):"
        + findings.stream().map(f -> "\n  - [" + f.stack() + "] " + f).collect(Collectors.joining());
  }
}
