package io.fwoa.server.search.params;

import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.support.IValidationSupport;
import io.fwoa.server.config.Lazy;
import io.fwoa.server.fhir.Fhir;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.fhirpath.FHIRPathUtilityClasses.FunctionDetails;
import org.hl7.fhir.r4.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r4.fhirpath.TypeDetails;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Enumerations.FHIRAllTypes;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.fhirpath.FHIRPathConstantEvaluationMode;

/**
 * HAPI's FHIRPath engine, set up for search indexing without the validation package: the
 * engine only needs to know the names and kinds of the R4 types (for {@code as}, {@code is},
 * {@code ofType}), which are synthesized from the model instead of loading ~20 MB of profiles,
 * and {@code resolve()} yields an empty resource of the referenced type (or the contained
 * resource), which is all {@code where(resolve() is Patient)} needs.
 */
public final class FhirPaths {

  private static final Lazy<FhirPaths> INSTANCE = Lazy.of(FhirPaths::new);

  private final FHIRPathEngine engine;

  private FhirPaths() {
    FhirContext ctx = Fhir.context();
    engine = new FHIRPathEngine(new HapiWorkerContext(ctx, new TypeNames(ctx)));
    engine.setHostServices(new Resolver());
    engine.setDoNotEnforceAsSingletonRule(true);
    engine.setDoNotEnforceAsCaseSensitive(true);
  }

  public static FhirPaths get() {
    return INSTANCE.get();
  }

  public ExpressionNode parse(String expression) {
    return engine.parse(expression);
  }

  /** Evaluates an expression on an element; the engine is thread-safe for evaluation. */
  public List<Base> evaluate(Resource root, Base focus, ExpressionNode expression) {
    return engine.evaluate(root, root, root, focus, expression);
  }

  /** The R4 type names and kinds, as StructureDefinitions with no elements. */
  private static final class TypeNames implements IValidationSupport {
    private final FhirContext ctx;
    private final Map<String, StructureDefinition> byUrl = new ConcurrentHashMap<>();
    private volatile List<StructureDefinition> all;

    TypeNames(FhirContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public FhirContext getFhirContext() {
      return ctx;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
      List<StructureDefinition> a = all;
      if (a == null) {
        a = new ArrayList<>();
        for (FHIRAllTypes t : FHIRAllTypes.values()) {
          if (t == FHIRAllTypes.NULL) {
            continue;
          }
          StructureDefinition sd = definition(t.toCode());
          if (sd != null) {
            a.add(sd);
          }
        }
        all = a;
      }
      return (List<T>) new ArrayList<>(a);
    }

    @Override
    public IBaseResource fetchStructureDefinition(String url) {
      String prefix = "http://hl7.org/fhir/StructureDefinition/";
      return url != null && url.startsWith(prefix) ? definition(url.substring(prefix.length())) : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
      if (type == null || type.isAssignableFrom(StructureDefinition.class)) {
        return (T) fetchStructureDefinition(url);
      }
      return null;
    }

    private StructureDefinition definition(String name) {
      if (name.isEmpty()) {
        return null;
      }
      return byUrl.computeIfAbsent(name, n -> {
        StructureDefinitionKind kind;
        if (ctx.getResourceTypes().contains(n) || n.equals("Resource") || n.equals("DomainResource")) {
          kind = StructureDefinitionKind.RESOURCE;
        } else {
          BaseRuntimeElementDefinition<?> def = ctx.getElementDefinition(n);
          if (def == null) {
            return null;
          }
          kind = def.isStandardType() && Character.isLowerCase(n.charAt(0))
              ? StructureDefinitionKind.PRIMITIVETYPE : StructureDefinitionKind.COMPLEXTYPE;
        }
        StructureDefinition sd = new StructureDefinition();
        sd.setUrl("http://hl7.org/fhir/StructureDefinition/" + n);
        sd.setName(n);
        sd.setType(n);
        sd.setKind(kind);
        sd.setDerivation(TypeDerivationRule.SPECIALIZATION);
        return sd;
      });
    }
  }

  /** Host services: only resolve() is used by the R4 search parameter expressions. */
  private static final class Resolver implements IHostApplicationServices {

    @Override
    public Base resolveReference(FHIRPathEngine engine, Object appContext, String url, Base refContext) {
      if (url == null) {
        return null;
      }
      if (url.startsWith("#") && appContext instanceof org.hl7.fhir.r4.model.DomainResource dr) {
        for (Resource contained : dr.getContained()) {
          if (url.substring(1).equals(contained.getIdElement().getIdPart())) {
            return contained;
          }
        }
        return null;
      }
      String type = References.typeOf(url);
      if (type == null && refContext instanceof Reference r && r.hasType()) {
        type = r.getType();
      }
      if (type == null) {
        return null;
      }
      RuntimeResourceDefinition def;
      try {
        def = Fhir.context().getResourceDefinition(type);
      } catch (RuntimeException e) {
        return null;
      }
      return (Base) def.newInstance();
    }

    @Override
    public List<Base> resolveConstant(FHIRPathEngine engine, Object appContext, String name,
        FHIRPathConstantEvaluationMode mode) {
      return List.of();
    }

    @Override
    public TypeDetails resolveConstantType(FHIRPathEngine engine, Object appContext, String name,
        FHIRPathConstantEvaluationMode mode) {
      return null;
    }

    @Override
    public boolean log(String argument, List<Base> focus) {
      return false;
    }

    @Override
    public FunctionDetails resolveFunction(FHIRPathEngine engine, String functionName) {
      return null;
    }

    @Override
    public TypeDetails checkFunction(FHIRPathEngine engine, Object appContext, String functionName, TypeDetails focus,
        List<TypeDetails> parameters) {
      return null;
    }

    @Override
    public List<Base> executeFunction(FHIRPathEngine engine, Object appContext, List<Base> focus, String functionName,
        List<List<Base>> parameters) {
      return List.of();
    }

    @Override
    public boolean conformsToProfile(FHIRPathEngine engine, Object appContext, Base item, String url)
        throws FHIRException {
      return false;
    }

    @Override
    public ValueSet resolveValueSet(FHIRPathEngine engine, Object appContext, String url) {
      return null;
    }

    @Override
    public boolean paramIsType(String name, int index) {
      return false;
    }
  }
}
