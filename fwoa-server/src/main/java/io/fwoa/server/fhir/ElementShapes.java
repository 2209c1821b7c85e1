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
   * @param def for OBJECT, the element's definition (its members' shapes)
   */
  record Shape(Kind kind, boolean repeating, BaseRuntimeElementCompositeDefinition<?> def) {
    static final Shape UNKNOWN = new Shape(Kind.UNKNOWN, false, null);
    static final Shape RESOURCE = new Shape(Kind.RESOURCE, false, null);

    /** The shape of one item of a repeating element. */
    Shape item() {
      return repeating ? new Shape(kind, false, def) : this;
    }
  }

  /** Known members per definition; unknown names are not cached (they come from clients). */
  private static final Map<BaseRuntimeElementCompositeDefinition<?>, Map<String, Shape>> MEMBERS =
      new ConcurrentHashMap<>();

  private ElementShapes() {}

  /** A resource type's definition, or null when the type is unknown (HAPI reports it). */
  static BaseRuntimeElementCompositeDefinition<?> resource(String type) {
    try {
      RuntimeResourceDefinition def = Fhir.context().getResourceDefinition(type);
      return def;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * What a primitive's {@code _name} object is checked against: Extension's definition, whose id
   * and extension are the members such an object has (anything else HAPI refuses).
   */
  static BaseRuntimeElementCompositeDefinition<?> element() {
    return (BaseRuntimeElementCompositeDefinition<?>) Fhir.context().getElementDefinition("Extension");
  }

  /** The shape of a member of an object of the given definition. */
  static Shape member(BaseRuntimeElementCompositeDefinition<?> owner, String name) {
    Map<String, Shape> known = MEMBERS.computeIfAbsent(owner, o -> new ConcurrentHashMap<>());
    Shape shape = known.get(name);
    if (shape == null) {
      shape = lookUp(owner, name);
      if (shape != Shape.UNKNOWN) {
        known.put(name, shape);
      }
    }
    return shape;
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
    return new Shape(kind, repeating, kind == Kind.OBJECT ? (BaseRuntimeElementCompositeDefinition<?>) target : null);
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
