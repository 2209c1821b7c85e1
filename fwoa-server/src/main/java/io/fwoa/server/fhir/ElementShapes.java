package io.fwoa.server.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;

/**
 * The JSON shape FHIR R4 gives each element, from HAPI's model: whether it repeats (a JSON array)
 * and what each value is (string, number, integer, boolean, object of a known type, a resource).
 * HAPI's parser coerces some wrong shapes silently ({@code "active":"true"}, {@code "gender":["male"]},
 * a decimal as a string); {@link JsonCheck} refuses them with these shapes.
 */
final class ElementShapes {

  /** What a JSON value may be. */
  enum Kind {
    STRING("a string"), NUMBER("a number"), INTEGER("an integer (no fraction, no exponent)"),
    BOOLEAN("true or false"), OBJECT("an object"), RESOURCE("a resource (an object with a resourceType)"),
    /** The object beside a primitive ({@code _name}): id and extensions. */
    ELEMENT("an object (id and extensions of the primitive)"),
    UNKNOWN("anything");

    final String description;

    Kind(String description) {
      this.description = description;
    }
  }

  /**
   * The shape of a member's value.
   *
   * @param members for OBJECT, the shapes of the object's own members
   */
  record Shape(Kind kind, boolean repeating, Members members) {
    static final Shape UNKNOWN = new Shape(Kind.UNKNOWN, false, null);
    static final Shape RESOURCE = new Shape(Kind.RESOURCE, false, null);

    /** The shape of one item of a repeating element. */
    Shape item() {
      return repeating ? new Shape(kind, false, members) : this;
    }
  }

  /** The members of one element definition, looked up once each. */
  static final class Members {
    private final BaseRuntimeElementCompositeDefinition<?> def;
    /** Known members only: unknown names come from clients and are not kept. */
    private final Map<String, Shape> known = new ConcurrentHashMap<>();

    private Members(BaseRuntimeElementCompositeDefinition<?> def) {
      this.def = def;
    }

    Shape member(String name) {
      Shape shape = known.get(name);
      if (shape == null) {
        shape = lookUp(def, name);
        if (shape != Shape.UNKNOWN) {
          known.put(name, shape);
        }
      }
      return shape;
    }
  }

  private static final Map<BaseRuntimeElementCompositeDefinition<?>, Members> MEMBERS = new ConcurrentHashMap<>();

  private ElementShapes() {}

  private static Members of(BaseRuntimeElementCompositeDefinition<?> def) {
    return MEMBERS.computeIfAbsent(def, Members::new);
  }

  /** A resource type's members, or null when the type is unknown (HAPI reports it). */
  static Members resource(String type) {
    try {
      RuntimeResourceDefinition def = Fhir.context().getResourceDefinition(type);
      return of(def);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * What a primitive's {@code _name} object is checked against: Extension's members, whose id and
   * extension are the members such an object has (anything else HAPI refuses).
   */
  static Members element() {
    return of((BaseRuntimeElementCompositeDefinition<?>) Fhir.context().getElementDefinition("Extension"));
  }

  private static Shape lookUp(BaseRuntimeElementCompositeDefinition<?> owner, String name) {
    boolean primitiveElement = name.startsWith("_");
    String element = primitiveElement ? name.substring(1) : name;
    BaseRuntimeChildDefinition child = owner.getChildByName(element);
    if (child == null) {
      return Shape.UNKNOWN; // an unknown element: HAPI's strict parser names it
    }
    boolean repeating = child.getMax() != 1;
    if (element.equals("extension") || element.equals("modifierExtension")) {
      return primitiveElement ? Shape.UNKNOWN
          : new Shape(Kind.OBJECT, true, element());
    }
    BaseRuntimeElementDefinition<?> target = child.getChildByName(element);
    if (target == null) {
      return Shape.UNKNOWN;
    }
    Kind kind = switch (target.getChildType()) {
      case PRIMITIVE_DATATYPE, ID_DATATYPE -> primitive(target.getImplementingClass());
      case PRIMITIVE_XHTML, PRIMITIVE_XHTML_HL7ORG -> Kind.STRING;
      case COMPOSITE_DATATYPE, RESOURCE_BLOCK -> Kind.OBJECT;
      case RESOURCE, CONTAINED_RESOURCE_LIST -> Kind.RESOURCE;
      default -> Kind.UNKNOWN;
    };
    if (primitiveElement) {
      boolean primitive = kind == Kind.STRING || kind == Kind.NUMBER || kind == Kind.INTEGER || kind == Kind.BOOLEAN;
      return primitive ? new Shape(Kind.ELEMENT, repeating, null) : Shape.UNKNOWN;
    }
    if (kind == Kind.UNKNOWN) {
      return Shape.UNKNOWN;
    }
    Members members = kind == Kind.OBJECT ? of((BaseRuntimeElementCompositeDefinition<?>) target) : null;
    return new Shape(kind, repeating, members);
  }

  private static Kind primitive(Class<?> type) {
    if (BooleanType.class.isAssignableFrom(type)) {
      return Kind.BOOLEAN;
    }
    if (DecimalType.class.isAssignableFrom(type)) {
      return Kind.NUMBER;
    }
    if (IntegerType.class.isAssignableFrom(type)) {
      return Kind.INTEGER;
    }
    return Kind.STRING;
  }
}
