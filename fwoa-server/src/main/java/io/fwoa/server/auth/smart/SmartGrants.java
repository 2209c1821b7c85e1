package io.fwoa.server.auth.smart;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.auth.Interaction;
import io.fwoa.server.auth.smart.SmartScope.Context;
import io.fwoa.server.auth.smart.SmartScope.Permission;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a token's scopes allow an interaction on a type. An interaction needs one permission
 * (read, vread and instance history need {@code r}; search and type history {@code s}; create
 * {@code c}; update and patch {@code u}; delete {@code d}), and a scope counts only when its
 * context is usable: {@code patient/} scopes need a patient in context and {@code user/} scopes a
 * {@code fhirUser}. The scopes returned say how far access reaches (a compartment, a granular
 * query); an interaction no scope allows is a 403 that names a scope that would.
 */
public final class SmartGrants {

  private SmartGrants() {}

  /** The permission an interaction needs, or null for transaction and batch (checked per entry). */
  public static Permission permission(Interaction interaction) {
    return switch (interaction) {
      case READ, VREAD, HISTORY_INSTANCE -> Permission.READ;
      case SEARCH, HISTORY_TYPE, HISTORY_SYSTEM -> Permission.SEARCH;
      case CREATE -> Permission.CREATE;
      case UPDATE, PATCH -> Permission.UPDATE;
      case DELETE -> Permission.DELETE;
      case TRANSACTION, BATCH -> null;
    };
  }

  /**
   * The token's scopes that allow {@code interaction} on {@code type} (for system-level history,
   * type is null and only {@code *} scopes count).
   *
   * @throws FhirException 403 naming the scope that is missing, when none does
   */
  public static List<SmartScope> allowing(SmartToken token, Interaction interaction, String type) {
    Permission needed = permission(interaction);
    if (needed == null) {
      throw new IllegalArgumentException(interaction + " is authorized entry by entry");
    }
    List<SmartScope> out = new ArrayList<>();
    for (SmartScope s : token.scopes()) {
      if (s.allows(needed) && (type == null ? s.resourceType().equals("*") : s.covers(type)) && usable(token, s)) {
        out.add(s);
      }
    }
    if (out.isEmpty()) {
      throw FhirException.forbidden("Forbidden: " + describe(interaction, type) + " needs a scope such as "
          + example(token, needed, type) + "; the token has " + granted(token));
    }
    return out;
  }

  static boolean usable(SmartToken token, SmartScope s) {
    return switch (s.context()) {
      case PATIENT -> token.patient() != null;
      case USER -> token.fhirUser() != null;
      case SYSTEM -> true;
    };
  }

  private static String describe(Interaction interaction, String type) {
    String what = interaction.name().toLowerCase().replace('_', ' ');
    return type == null ? what : what + " on " + type;
  }

  /** A scope in the token's own style (its contexts, v2 letters) that would allow the interaction. */
  private static String example(SmartToken token, Permission needed, String type) {
    Context context = token.patient() != null ? Context.PATIENT
        : token.fhirUser() != null ? Context.USER : Context.SYSTEM;
    for (SmartScope s : token.scopes()) {
      if (usable(token, s)) {
        context = s.context();
        break;
      }
    }
    return context.prefix() + "/" + (type == null ? "*" : type) + "." + needed.letter();
  }

  private static String granted(SmartToken token) {
    List<String> usable = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    for (SmartScope s : token.scopes()) {
      if (usable(token, s)) {
        usable.add(s.text());
      } else {
        unusable.add(s.text() + (s.context() == Context.PATIENT ? " without a patient in context"
            : " without a fhirUser claim"));
      }
    }
    String out = usable.isEmpty() ? "no usable resource scope" : String.join(" ", usable);
    return unusable.isEmpty() ? out : out + " (unusable: " + String.join(", ", unusable) + ")";
  }
}
