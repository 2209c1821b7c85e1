package io.fwoa.server.interaction;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.StoredVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * ENFORCE_REFERENTIAL_INTEGRITY: a resource about to be written may refer only to resources that
 * exist. Checked are literal references {@code Type/id} (also {@code Type/id/_history/n}) and
 * absolute references under this server's base: each must name a resource of the caller's tenant
 * that exists and is not deleted, or one the same request writes. Not checked: contained
 * ({@code #id}), logical (identifier only) and other servers' references, and {@code urn:} ones
 * (a transaction has resolved its own before this check). Each distinct target is read once.
 */
final class ReferentialIntegrity {

  /** Bounds the reads one request can cause. */
  static final int MAX_TARGETS = 1000;
  private static final int REPORTED = 10;
  private static final Pattern LITERAL = Pattern.compile("([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(/_history/[^/]+)?");
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*", Pattern.DOTALL);

  /**
   * A resource about to be written.
   *
   * @param where what its problems start with ("Entry 3: "), or ""
   */
  record Written(String where, Resource resource) {}

  private final ResourceStore store;
  private final Set<String> types;

  ReferentialIntegrity(ResourceStore store) {
    this.store = store;
    this.types = Set.copyOf(Fhir.context().getResourceTypes());
  }

  /**
   * @param writes the resources about to be written
   * @param written keys the same request writes (they exist once it commits)
   * @param deleted keys the same request deletes
   * @throws FhirException 422 naming the element path and reference of each problem
   */
  void check(ServerBase caller, List<Written> writes, Set<ResourceKey> written, Set<ResourceKey> deleted) {
    List<String> problems = new ArrayList<>();
    Map<ResourceKey, List<String>> targets = new LinkedHashMap<>();
    for (Written w : writes) {
      visit(w.resource(), w.resource().fhirType(), (path, value) -> {
        String at = w.where() + path + ": '" + value + "'";
        String local = value;
        if (SCHEME.matcher(value).matches()) {
          if (!ServerBase.isAbsolute(value)) {
            return; // urn:uuid:, urn:oid: and other non-URL identifiers
          }
          ServerBase.Located located = caller.locate(value);
          switch (located.place()) {
            case ELSEWHERE -> {
              return;
            }
            case OTHER_TENANT -> {
              problems.add(at + " is a resource of tenant '" + located.relative() + "'");
              return;
            }
            default -> local = located.relative();
          }
        }
        Matcher m = LITERAL.matcher(local);
        if (!m.matches() || !types.contains(m.group(1))) {
          problems.add(at + " is not a reference Type/id to a resource of this server");
          return;
        }
        ResourceKey key = new ResourceKey(caller.tenant(), m.group(1), m.group(2));
        if (deleted.contains(key)) {
          problems.add(at + " is deleted by this transaction");
        } else if (!written.contains(key)) {
          targets.computeIfAbsent(key, k -> new ArrayList<>()).add(at);
        }
      });
    }
    if (targets.size() > MAX_TARGETS) {
      throw FhirException.unprocessable("The request refers to " + targets.size() + " distinct existing resources; "
          + "with ENFORCE_REFERENTIAL_INTEGRITY at most " + MAX_TARGETS + " are checked per request: split it");
    }
    targets.forEach((key, uses) -> {
      StoredVersion current = store.current(key).orElse(null);
      if (current == null || current.deleted()) {
        String why = current == null ? " does not exist" : " was deleted";
        uses.forEach(use -> problems.add(use + why));
      }
    });
    if (!problems.isEmpty()) {
      String listed = String.join("; ", problems.subList(0, Math.min(REPORTED, problems.size())))
          + (problems.size() > REPORTED ? "; and " + (problems.size() - REPORTED) + " more" : "");
      throw new FhirException(422, IssueType.NOTFOUND, "References must point to existing resources of this server "
          + "(ENFORCE_REFERENTIAL_INTEGRITY): " + listed);
    }
  }

  @FunctionalInterface
  private interface ReferenceVisitor {
    void reference(String path, String value);
  }

  /**
   * Every populated literal reference of an element with its path ({@code Observation.performer[1]}).
   * Resources inside other resources are walked only as {@code contained}: a Bundle's entries or a
   * Parameters' resources are documents of their own.
   */
  private static void visit(Base element, String path, ReferenceVisitor visitor) {
    for (Property p : element.children()) {
      List<Base> values = p.getValues();
      for (int i = 0; i < values.size(); i++) {
        Base v = values.get(i);
        if (v == null || v.isEmpty() || v instanceof PrimitiveType<?> pt && !pt.hasExtension()
            || v instanceof Resource && !p.getName().equals("contained")) {
          continue;
        }
        String name = p.getName().endsWith("[x]")
            ? p.getName().substring(0, p.getName().length() - 3) + capitalized(v.fhirType()) : p.getName();
        String child = path + "." + name + (p.isList() ? "[" + i + "]" : "");
        if (v instanceof Reference r && r.hasReference() && !r.getReference().startsWith("#")) {
          visitor.reference(child, r.getReference());
        }
        visit(v, child, visitor);
      }
    }
  }

  private static String capitalized(String type) {
    return type.isEmpty() ? type : Character.toUpperCase(type.charAt(0)) + type.substring(1);
  }
}
