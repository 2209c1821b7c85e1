package io.fwoa.server.search.index;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.search.params.ParamType;
import io.fwoa.server.search.params.References;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Timing;

/**
 * Turns the elements a search parameter's expression yields into index values ("shapes"): one
 * small JSON object per atomic value, whose fields depend on the parameter type. The same shapes
 * are used for plain parameters (merged into arrays), quantities (nested objects) and composite
 * parts. The mapping in {@link Mappings} declares exactly these fields.
 */
public final class Values {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final String ISO_4217 = "urn:iso:std:iso:4217";

  private Values() {}

  public static List<ObjectNode> shapes(ParamType type, Base value) {
    List<ObjectNode> out = new ArrayList<>();
    switch (type) {
      case STRING -> strings(value, out);
      case TOKEN -> tokens(value, out);
      case REFERENCE -> references(value, out);
      case DATE -> dates(value, out);
      case NUMBER -> numbers(value, out);
      case QUANTITY -> quantities(value, out);
      case URI -> uris(value, out);
      default -> {
        // composite and special parameters have no values of their own
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ string

  private static void strings(Base v, List<ObjectNode> out) {
    if (v instanceof HumanName n) {
      string(n.getText(), out);
      string(n.getFamily(), out);
      n.getGiven().forEach(g -> string(g.getValue(), out));
      n.getPrefix().forEach(g -> string(g.getValue(), out));
      n.getSuffix().forEach(g -> string(g.getValue(), out));
    } else if (v instanceof Address a) {
      string(a.getText(), out);
      a.getLine().forEach(l -> string(l.getValue(), out));
      string(a.getCity(), out);
      string(a.getDistrict(), out);
      string(a.getState(), out);
      string(a.getPostalCode(), out);
      string(a.getCountry(), out);
    } else if (v instanceof CodeableConcept cc) {
      string(cc.getText(), out);
      cc.getCoding().forEach(c -> string(c.getDisplay(), out));
    } else if (v instanceof Coding c) {
      string(c.getDisplay(), out);
    } else if (v instanceof ContactPoint cp) {
      string(cp.getValue(), out);
    } else if (v instanceof Identifier i) {
      string(i.getValue(), out);
    } else if (v instanceof PrimitiveType<?> p && !(v instanceof BooleanType)) {
      string(p.getValueAsString(), out);
    }
  }

  private static void string(String s, List<ObjectNode> out) {
    if (s == null || s.isBlank()) {
      return;
    }
    ObjectNode n = F.objectNode();
    n.put("n", Strings.normalize(s));
    n.put("e", Strings.truncate(s));
    out.add(n);
  }

  // ------------------------------------------------------------------ token

  private static void tokens(Base v, List<ObjectNode> out) {
    if (v instanceof Coding c) {
      token(c.getSystem(), c.getCode(), c.getDisplay(), out);
    } else if (v instanceof CodeableConcept cc) {
      for (Coding c : cc.getCoding()) {
        token(c.getSystem(), c.getCode(), c.getDisplay(), out);
      }
      if (cc.hasText()) {
        token(null, null, cc.getText(), out);
      }
    } else if (v instanceof Identifier i) {
      ObjectNode t = token(i.getSystem(), i.getValue(), i.getType().getText(), out);
      if (t != null && i.hasType()) {
        for (Coding c : i.getType().getCoding()) {
          if (c.hasCode() && i.hasValue()) {
            t.withArrayProperty("ot").add(nz(c.getSystem()) + "|" + c.getCode() + "|" + i.getValue());
          }
        }
      }
    } else if (v instanceof ContactPoint cp) {
      token(cp.hasSystem() ? cp.getSystem().toCode() : null, cp.getValue(), null, out);
    } else if (v instanceof Enumeration<?> e) {
      token(e.getSystem(), e.getValueAsString(), null, out);
    } else if (v instanceof BooleanType b) {
      token(null, b.getValueAsString(), null, out);
    } else if (v instanceof PrimitiveType<?> p) {
      token(null, p.getValueAsString(), null, out);
    } else if (v instanceof Quantity q) {
      token(q.getSystem(), q.getCode(), q.getUnit(), out);
    }
  }

  private static ObjectNode token(String system, String code, String text, List<ObjectNode> out) {
    boolean hasCode = code != null && !code.isEmpty();
    boolean hasText = text != null && !text.isBlank();
    boolean hasSystem = system != null && !system.isEmpty();
    if (!hasCode && !hasText && !hasSystem) {
      return null;
    }
    ObjectNode n = F.objectNode();
    if (hasCode) {
      n.put("code", Strings.truncate(code));
      n.put("sc", Strings.truncate(nz(system) + "|" + code));
    }
    if (hasSystem) {
      n.put("sys", Strings.truncate(system));
    }
    if (hasText) {
      n.put("text", text);
    }
    out.add(n);
    return n;
  }

  // ------------------------------------------------------------------ reference

  private static void references(Base v, List<ObjectNode> out) {
    if (v instanceof Reference r) {
      ObjectNode n = F.objectNode();
      if (r.hasReference()) {
        reference(r.getReference(), n);
      }
      if (r.hasType() && !n.has("type")) {
        n.put("type", r.getType());
      }
      if (r.hasIdentifier()) {
        List<ObjectNode> ident = new ArrayList<>();
        tokens(r.getIdentifier(), ident);
        if (!ident.isEmpty()) {
          n.set("ident", ident.get(0));
        }
      }
      if (!n.isEmpty()) {
        out.add(n);
      }
    } else if (v instanceof Resource res && res.getIdElement().hasIdPart()) {
      ObjectNode n = F.objectNode();
      reference(res.fhirType() + "/" + res.getIdElement().getIdPart(), n);
      out.add(n);
    } else if (v instanceof PrimitiveType<?> p && p.hasValue()) {
      ObjectNode n = F.objectNode();
      reference(p.getValueAsString(), n);
      out.add(n);
    }
  }

  private static void reference(String ref, ObjectNode n) {
    if (ref.startsWith("#")) {
      return;
    }
    References.Parsed p = References.parse(ref);
    if (p != null && p.base() == null) {
      n.put("ref", p.relative());
      n.put("type", p.type());
      n.put("id", p.id());
    } else if (p != null) {
      n.put("ref", Strings.truncate(p.base() + "/" + p.relative()));
      n.put("type", p.type());
    } else {
      // canonical URLs (with an optional |version), urn:uuid:, logical references
      n.withArrayProperty("ref").add(Strings.truncate(ref));
      int bar = ref.indexOf('|');
      if (bar > 0) {
        n.withArrayProperty("ref").add(Strings.truncate(ref.substring(0, bar)));
      }
    }
  }

  // ------------------------------------------------------------------ date

  private static void dates(Base v, List<ObjectNode> out) {
    if (v instanceof BaseDateTimeType d && d.hasValue()) {
      date(DateRanges.parse(d.getValueAsString()), out);
    } else if (v instanceof Period p && (p.hasStart() || p.hasEnd())) {
      Long lo = p.hasStart() ? DateRanges.parse(p.getStartElement().getValueAsString()).lo() : null;
      Long hi = p.hasEnd() ? DateRanges.parse(p.getEndElement().getValueAsString()).hi() : null;
      date(new DateRanges.Range(lo, hi), out);
    } else if (v instanceof Timing t) {
      t.getEvent().forEach(e -> dates(e, out));
      if (t.hasRepeat() && t.getRepeat().hasBoundsPeriod()) {
        dates(t.getRepeat().getBoundsPeriod(), out);
      }
    } else if (v instanceof StringType s && s.hasValue()) {
      try {
        date(DateRanges.parse(s.getValue()), out);
      } catch (IllegalArgumentException e) {
        // a free-text "date" (e.g. an age string) is not a date
      }
    }
  }

  private static void date(DateRanges.Range r, List<ObjectNode> out) {
    ObjectNode n = F.objectNode();
    ObjectNode range = n.putObject("r");
    if (r.lo() != null) {
      range.put("gte", r.lo());
      n.put("lo", r.lo());
    }
    if (r.hi() != null) {
      range.put("lte", r.hi());
      n.put("hi", r.hi());
    }
    out.add(n);
  }

  // ------------------------------------------------------------------ number, quantity, uri

  private static void numbers(Base v, List<ObjectNode> out) {
    if (v instanceof PrimitiveType<?> p && p.getValue() instanceof Number num) {
      ObjectNode n = F.objectNode();
      n.put("v", num.doubleValue());
      out.add(n);
    }
  }

  private static void quantities(Base v, List<ObjectNode> out) {
    if (v instanceof Quantity q && q.hasValue()) {
      quantity(q.getValue(), q.getSystem(), q.getCode(), q.getUnit(), out);
    } else if (v instanceof Money m && m.hasValue()) {
      quantity(m.getValue(), ISO_4217, m.getCurrency(), m.getCurrency(), out);
    } else if (v instanceof Range r) {
      quantities(r.getLow(), out);
      quantities(r.getHigh(), out);
    }
  }

  private static void quantity(BigDecimal value, String system, String code, String unit, List<ObjectNode> out) {
    ObjectNode n = F.objectNode();
    n.put("v", value.doubleValue());
    if (system != null && !system.isEmpty()) {
      n.put("sys", system);
    }
    if (code != null && !code.isEmpty()) {
      n.put("code", code);
    }
    if (unit != null && !unit.isEmpty()) {
      n.put("unit", unit);
    }
    if (Units.UCUM.equals(system)) {
      Units.Canonical c = Units.canonical(value, code);
      if (c != null) {
        n.put("cv", c.value());
        n.put("cu", c.unit());
      }
    }
    out.add(n);
  }

  private static void uris(Base v, List<ObjectNode> out) {
    if (v instanceof PrimitiveType<?> p && p.hasValue()) {
      ObjectNode n = F.objectNode();
      String s = p.getValueAsString();
      n.put("u", Strings.truncate(s));
      if (v instanceof CanonicalType && s.indexOf('|') > 0) {
        n.put("u", Strings.truncate(s.substring(0, s.indexOf('|'))));
      }
      out.add(n);
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
