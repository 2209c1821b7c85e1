package io.fwoa.engine.cognito;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.services.cognitoidentityprovider.model.PasswordPolicyType;

/**
 * A user pool's password policy, as DescribeUserPool reports it: checks a password before anything
 * is changed in the pool (so a weak password fails with the pool's rule and leaves no half-made
 * user) and generates passwords that satisfy it.
 *
 * @param minimumLength minimum number of characters
 * @param requireUppercase at least one A-Z
 * @param requireLowercase at least one a-z
 * @param requireNumbers at least one 0-9
 * @param requireSymbols at least one of Cognito's {@link #SYMBOLS}
 */
public record PasswordRules(int minimumLength, boolean requireUppercase, boolean requireLowercase,
    boolean requireNumbers, boolean requireSymbols) {

  /** The special characters Cognito counts as symbols (a space counts too, except at either end). */
  public static final String SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";

  /** Cognito's upper limit for any password. */
  public static final int MAXIMUM_LENGTH = 256;

  /** Generated passwords are at least this long, even when the pool allows shorter ones. */
  static final int GENERATED_LENGTH = 24;

  /** Symbols used in generated passwords: none that a shell or a properties file treats specially. */
  private static final String SAFE_SYMBOLS = "-_.+=@%^~";
  private static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  private static final String LOWER = "abcdefghijkmnopqrstuvwxyz";
  private static final String DIGITS = "23456789";

  /** Cognito's default policy, used when a pool reports none. */
  public static final PasswordRules COGNITO_DEFAULT = new PasswordRules(8, true, true, true, true);

  public static PasswordRules of(PasswordPolicyType policy) {
    if (policy == null) {
      return COGNITO_DEFAULT;
    }
    return new PasswordRules(policy.minimumLength() == null ? 8 : policy.minimumLength(),
        Boolean.TRUE.equals(policy.requireUppercase()), Boolean.TRUE.equals(policy.requireLowercase()),
        Boolean.TRUE.equals(policy.requireNumbers()), Boolean.TRUE.equals(policy.requireSymbols()));
  }

  /** What the password lacks, in the words of {@link #describe()}; empty when it is acceptable. */
  public List<String> violations(Secret password) {
    String p = password.reveal();
    List<String> problems = new ArrayList<>();
    if (p.length() < minimumLength) {
      problems.add("it has " + p.length() + " characters, at least " + minimumLength + " are required");
    }
    if (p.length() > MAXIMUM_LENGTH) {
      problems.add("it has more than " + MAXIMUM_LENGTH + " characters");
    }
    if (requireUppercase && p.chars().noneMatch(c -> c >= 'A' && c <= 'Z')) {
      problems.add("no uppercase letter");
    }
    if (requireLowercase && p.chars().noneMatch(c -> c >= 'a' && c <= 'z')) {
      problems.add("no lowercase letter");
    }
    if (requireNumbers && p.chars().noneMatch(c -> c >= '0' && c <= '9')) {
      problems.add("no number");
    }
    if (requireSymbols && !hasSymbol(p)) {
      problems.add("no symbol");
    }
    if (!p.isEmpty() && (Character.isWhitespace(p.charAt(0)) || Character.isWhitespace(p.charAt(p.length() - 1)))) {
      problems.add("it starts or ends with a space");
    }
    return problems;
  }

  private static boolean hasSymbol(String p) {
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (SYMBOLS.indexOf(c) >= 0 || (c == ' ' && i > 0 && i < p.length() - 1)) {
        return true;
      }
    }
    return false;
  }

  /** The rule in words, for error messages: "at least 8 characters, with an uppercase letter, ...". */
  public String describe() {
    List<String> needs = new ArrayList<>();
    if (requireUppercase) {
      needs.add("an uppercase letter");
    }
    if (requireLowercase) {
      needs.add("a lowercase letter");
    }
    if (requireNumbers) {
      needs.add("a number");
    }
    if (requireSymbols) {
      needs.add("a symbol (" + String.join(" ", SYMBOLS.chars().mapToObj(c -> String.valueOf((char) c)).toList()) + ")");
    }
    StringBuilder s = new StringBuilder("at least ").append(minimumLength).append(" characters");
    if (!needs.isEmpty()) {
      s.append(", with ");
      if (needs.size() == 1) {
        s.append(needs.get(0));
      } else {
        s.append(String.join(", ", needs.subList(0, needs.size() - 1))).append(" and ").append(needs.get(needs.size() - 1));
      }
    }
    return s.toString();
  }

  /** A random password that satisfies these rules (and every stricter default of Cognito). */
  public Secret generate(SecureRandom random) {
    int length = Math.min(MAXIMUM_LENGTH, Math.max(minimumLength, GENERATED_LENGTH));
    List<Character> chars = new ArrayList<>();
    // One of each class whatever the policy says, so the password survives a later, stricter policy.
    chars.add(pick(UPPER, random));
    chars.add(pick(LOWER, random));
    chars.add(pick(DIGITS, random));
    chars.add(pick(SAFE_SYMBOLS, random));
    String all = UPPER + LOWER + DIGITS + SAFE_SYMBOLS;
    while (chars.size() < length) {
      chars.add(pick(all, random));
    }
    Collections.shuffle(chars, random);
    StringBuilder s = new StringBuilder(length);
    chars.forEach(s::append);
    return Secret.of(s.toString(), "a generated password");
  }

  private static char pick(String from, SecureRandom random) {
    return from.charAt(random.nextInt(from.length()));
  }
}
