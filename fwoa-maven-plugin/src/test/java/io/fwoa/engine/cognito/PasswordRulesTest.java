package io.fwoa.engine.cognito;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cognitoidentityprovider.model.PasswordPolicyType;

class PasswordRulesTest {

  /** The policy fwoa-constructs gives both user pools (FhirService.passwordPolicy()). */
  static final PasswordRules FWOA = PasswordRules.of(PasswordPolicyType.builder().minimumLength(8).requireUppercase(true)
      .requireLowercase(true).requireNumbers(true).requireSymbols(true).build());

  private static Secret s(String value) {
    return Secret.of(value, "a test");
  }

  @Test
  void theRuleReadsLikeTheCognitoConsole() {
    assertThat(FWOA.describe()).isEqualTo("at least 8 characters, with an uppercase letter, a lowercase letter, a number "
        + "and a symbol (^ $ * . [ ] { } ( ) ? \" ! @ # % & / \\ , > < ' : ; | _ ~ ` = + -)");
    assertThat(new PasswordRules(12, false, true, false, false).describe())
        .isEqualTo("at least 12 characters, with a lowercase letter");
    assertThat(new PasswordRules(6, false, false, false, false).describe()).isEqualTo("at least 6 characters");
  }

  @Test
  void eachMissingClassIsNamed() {
    assertThat(FWOA.violations(s("password1"))).containsExactly("no uppercase letter", "no symbol");
    assertThat(FWOA.violations(s("Ab1!"))).containsExactly("it has 4 characters, at least 8 are required");
    assertThat(FWOA.violations(s("ABCDEFG1!"))).containsExactly("no lowercase letter");
    assertThat(FWOA.violations(s("Abcdefgh!"))).containsExactly("no number");
    assertThat(FWOA.violations(s(" Abcdefg1!"))).containsExactly("it starts or ends with a space");
    assertThat(FWOA.violations(s("Correct-Horse-9"))).isEmpty();
    // A space inside the password counts as a symbol, as in Cognito.
    assertThat(FWOA.violations(s("Correct Horse 9"))).isEmpty();
  }

  @Test
  void aPoolWithoutAPolicyHasCognitosDefault() {
    assertThat(PasswordRules.of(null)).isEqualTo(PasswordRules.COGNITO_DEFAULT);
    assertThat(PasswordRules.of(PasswordPolicyType.builder().minimumLength(10).build()))
        .isEqualTo(new PasswordRules(10, false, false, false, false));
  }

  @Test
  void generatedPasswordsSatisfyEveryPolicyAndAreShellSafe() {
    SecureRandom random = new SecureRandom();
    Set<String> seen = new HashSet<>();
    for (PasswordRules rules : List.of(FWOA, PasswordRules.COGNITO_DEFAULT, new PasswordRules(6, false, false, false, false),
        new PasswordRules(40, true, false, true, false), new PasswordRules(99, true, true, true, true))) {
      for (int i = 0; i < 200; i++) {
        Secret p = rules.generate(random);
        assertThat(rules.violations(p)).as(p.reveal()).isEmpty();
        assertThat(PasswordRules.COGNITO_DEFAULT.violations(p)).as(p.reveal()).isEmpty();
        assertThat(p.reveal()).matches("[A-Za-z0-9_.+=@%^~-]{" + Math.max(24, rules.minimumLength()) + "}");
        assertThat(seen.add(p.reveal())).isTrue();
      }
    }
  }

  @Test
  void secretsDoNotShowThemselves() {
    Secret secret = s("Correct-Horse-9");
    assertThat(secret.toString()).doesNotContain("Horse");
    assertThat(String.valueOf(List.of(secret))).doesNotContain("Horse");
    assertThat(secret.reveal()).isEqualTo("Correct-Horse-9");
  }
}
