package io.fwoa.server.fhir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.fwoa.server.fhir.ElementShapes.Kind;
import io.fwoa.server.fhir.ElementShapes.Members;
import io.fwoa.server.fhir.ElementShapes.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The JSON rules fwoa holds every resource to, checked in one streaming pass before HAPI parses a
 * body and before a stored version is served: one JSON object (nothing after it), no duplicate
 * keys, at most {@value #MAX_DEPTH} levels of nesting, numbers within {@link Decimals}' bounds, and
 * FHIR JSON's own rules, which HAPI's parser partly lets through: no empty objects, arrays or
 * strings, no nulls (except in a primitive array that its {@code _name} sibling fills at the same
 * position), arrays exactly for repeating elements, and values of the element's JSON type (a
 * boolean is true or false, not "true"; a decimal a number, not "1.5"; an integer has no fraction
 * or exponent), as {@link ElementShapes} reads them from HAPI's model. Strings hold characters
 * only (no lone surrogates). The first problem is reported with the element it is in, as a
 * FHIRPath such as {@code Observation.component[1].valueQuantity.value} (0-based indexes).
 */
public final class JsonCheck {

  /**
   * Levels of JSON objects and arrays. Real resources stay far below (a Bundle entry's resource
   * starts at level 4); deeper documents only exhaust parser stacks.
   */
  public static final int MAX_DEPTH = 100;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 10).build())
      .build();

  /**
   * A problem found.
   *
   * @param expression the element, as a FHIRPath from the resource type
   * @param message what is wrong with it
   */
  public record Problem(String expression, String message) {
    @Override
    public String toString() {
      return expression + ": " + message;
    }
  }

  private JsonCheck() {}

  /**
   * The first problem of a document (a request body or a stored version), or null when there is
   * none.
   *
   * @param rootType the resource type the document should have (names elements when the document
   *     has no resourceType before the problem), or null
   */
  public static Problem check(String json, String rootType) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      return new Walk(parser, rootType).run();
    } catch (IOException e) {
      // Only thrown by closing a parser over a String: nothing to report.
      return null;
    }
  }

  /** One pass over one document. */
  private static final class Walk {
    private final JsonParser p;
    private final String expectedType;
    private String rootType;
    // Per open container, indexed by level (0 = the resource itself).
    private final boolean[] array = new boolean[MAX_DEPTH + 1];
    /** Objects: the current member's name. Arrays: the array's own name (or null). */
    private final String[] name = new String[MAX_DEPTH + 1];
    /** Objects: members so far. Arrays: the current item's index (-1 before the first). */
    private final int[] position = new int[MAX_DEPTH + 1];
    private final boolean[] scalars = new boolean[MAX_DEPTH + 1];
    private final BitSet[] nulls = new BitSet[MAX_DEPTH + 1];
    /** Objects: the primitive arrays (and arrays holding nulls) among their members, for null checks. */
    private final List<List<ArrayFacts>> primitiveArrays = new ArrayList<>();
    private final boolean[] holdsNulls = new boolean[MAX_DEPTH + 1];
    /** Objects: the element's members (null when unknown: then only the generic rules apply). */
    private final Members[] def = new Members[MAX_DEPTH + 1];
    /** Objects: whether the object is a resource (its definition comes with its resourceType). */
    private final boolean[] resource = new boolean[MAX_DEPTH + 1];
    /** Objects: the shape of the current member's value. Arrays: the shape of each item. */
    private final Shape[] shape = new Shape[MAX_DEPTH + 1];
    private int depth; // open containers

    Walk(JsonParser p, String expectedType) {
      this.p = p;
      this.expectedType = expectedType;
      for (int i = 0; i <= MAX_DEPTH; i++) {
        primitiveArrays.add(null);
      }
    }

    Problem run() throws IOException {
      try {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
          return new Problem(root(), t == null ? "the document is empty" : "a resource is a JSON object, not "
              + describe(t));
        }
        for (; t != null; t = p.nextToken()) {
          Problem problem = token(t);
          if (problem != null) {
            return named(problem);
          }
          if (depth == 0) {
            break;
          }
        }
        if (t == null) {
          return new Problem(root(), "the JSON ends before the resource does");
        }
        t = p.nextToken();
        if (t != null) {
          return new Problem(root(), "there is content after the resource (" + describe(t) + ")");
        }
        return null;
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String message = String.valueOf(e.getOriginalMessage());
        // Jackson reads a member's value together with its name: the name it was at is the parser's.
        String where = depth > 0 && !array[depth - 1] && p.currentName() != null
            ? path(depth - 1) + "." + p.currentName() : path(depth);
        return new Problem(where, "not valid JSON: " + message.replaceAll("\\s+", " ")
            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
      }
    }

    private Problem token(JsonToken t) throws IOException {
      if (t == JsonToken.FIELD_NAME) {
        int level = depth - 1;
        String member = p.currentName();
        name[level] = member;
        position[level]++;
        if (resource[level] && member.equals("resourceType")) {
          JsonToken v = p.nextToken();
          if (v != JsonToken.VALUE_STRING) {
            return new Problem(path(depth), "the resourceType is a string naming the resource's type, not "
                + describe(v));
          }
          if (level == 0 && rootType == null) {
            rootType = p.getText();
          }
          def[level] = ElementShapes.resource(p.getText());
          return null;
        }
        shape[level] = def[level] == null ? Shape.UNKNOWN : def[level].member(member);
        return null;
      }
      if (t == JsonToken.END_OBJECT) {
        return endObject();
      }
      if (t == JsonToken.END_ARRAY) {
        return endArray();
      }
      return value(t);
    }

    /** A value: a scalar, null, or the start of a container. */
    private Problem value(JsonToken t) throws IOException {
      boolean inArray = depth > 0 && array[depth - 1];
      if (inArray) {
        position[depth - 1]++;
      }
      Shape expected = depth == 0 ? Shape.RESOURCE : shape[depth - 1];
      if (t != JsonToken.VALUE_NULL) {
        Problem wrong = shapeProblem(expected, t, inArray);
        if (wrong != null) {
          return wrong;
        }
      }
      switch (t) {
        case START_OBJECT, START_ARRAY -> {
          if (depth == MAX_DEPTH) {
            return new Problem(path(depth), "nested deeper than " + MAX_DEPTH + " levels");
          }
          boolean isArray = t == JsonToken.START_ARRAY;
          array[depth] = isArray;
          name[depth] = isArray && depth > 0 && !array[depth - 1] ? name[depth - 1] : null;
          position[depth] = isArray ? -1 : 0;
          scalars[depth] = false;
          nulls[depth] = null;
          holdsNulls[depth] = false;
          primitiveArrays.set(depth, null);
          resource[depth] = !isArray && expected.kind() == Kind.RESOURCE;
          def[depth] = isArray ? null : expected.kind() == Kind.OBJECT ? expected.members()
              : expected.kind() == Kind.ELEMENT ? ElementShapes.element() : null;
          shape[depth] = isArray ? expected.item() : null;
          depth++;
          return null;
        }
        case VALUE_STRING -> {
          markScalar();
          return string();
        }
        case VALUE_NULL -> {
          if (depth > 0 && array[depth - 1]) {
            BitSet n = nulls[depth - 1];
            if (n == null) {
              n = nulls[depth - 1] = new BitSet();
            }
            n.set(position[depth - 1]);
            return null;
          }
          return new Problem(path(depth), "null is not a value in FHIR JSON: leave the element out");
        }
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
          markScalar();
          String why = Decimals.problem(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          return why == null ? null : new Problem(path(depth), why);
        }
        default -> {
          markScalar();
          return null;
        }
      }
    }

    /**
     * A string must have content, and only characters that can be stored: an escaped lone surrogate
     * ("\\ud800") has no UTF-8 form.
     */
    private Problem string() throws IOException {
      int length = p.getTextLength();
      if (length == 0) {
        return new Problem(path(depth), "an empty string is not a value in FHIR JSON: leave the element out");
      }
      char[] chars = p.getTextCharacters();
      int end = p.getTextOffset() + length;
      for (int i = p.getTextOffset(); i < end; i++) {
        char c = chars[i];
        if (Character.isSurrogate(c)) {
          if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
            i++;
          } else {
            return new Problem(path(depth), "the string contains a lone UTF-16 surrogate (\\u"
                + Integer.toHexString(c) + "), which is not a character");
          }
        }
      }
      return null;
    }

    /** Whether the token fits the element (FHIR JSON: repeating elements are arrays, values typed). */
    private Problem shapeProblem(Shape expected, JsonToken t, boolean inArray) {
      if (expected.kind() == Kind.UNKNOWN) {
        return null;
      }
      boolean isArray = t == JsonToken.START_ARRAY;
      if (expected.repeating() && !inArray && !isArray) {
        return new Problem(path(depth), "an array is expected (the element repeats), not " + describe(t));
      }
      if (isArray && (inArray || !expected.repeating())) {
        return new Problem(path(depth), "a single value is expected, not an array");
      }
      if (isArray) {
        return null;
      }
      boolean fits = switch (expected.kind()) {
        case STRING -> t == JsonToken.VALUE_STRING;
        case NUMBER -> t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
        case INTEGER -> t == JsonToken.VALUE_NUMBER_INT;
        case BOOLEAN -> t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE;
        default -> t == JsonToken.START_OBJECT;
      };
      return fits ? null : new Problem(path(depth), expected.kind().description + " is expected, not "
          + describe(t));
    }

    private void markScalar() {
      if (depth > 0 && array[depth - 1]) {
        scalars[depth - 1] = true;
      }
    }

    private Problem endArray() {
      int level = depth - 1;
      if (position[level] < 0) {
        return new Problem(path(level), "an array is never empty in FHIR JSON: leave the element out");
      }
      depth--;
      String arrayName = name[level];
      boolean underscore = arrayName != null && arrayName.startsWith("_");
      if (level > 0 && !array[level - 1] && (scalars[level] || nulls[level] != null || underscore)) {
        List<ArrayFacts> facts = primitiveArrays.get(level - 1);
        if (facts == null) {
          facts = new ArrayList<>(2);
          primitiveArrays.set(level - 1, facts);
        }
        facts.add(new ArrayFacts(arrayName, position[level] + 1, nulls[level]));
        if (nulls[level] != null) {
          holdsNulls[level - 1] = true;
        }
      } else if (nulls[level] != null) {
        // An array of arrays holding a null: FHIR JSON has no such thing.
        return new Problem(path(level) + "[" + nulls[level].nextSetBit(0) + "]",
            "null is not a value in FHIR JSON: leave the element out");
      }
      return null;
    }

    private Problem endObject() {
      int level = depth - 1;
      if (position[level] == 0) {
        return new Problem(path(level), "an object is never empty in FHIR JSON: leave the element out");
      }
      if (holdsNulls[level]) {
        Problem problem = alignedNulls(level);
        if (problem != null) {
          return problem;
        }
      }
      depth--;
      return null;
    }

    /** Nulls in `name` must have a value at the same index in `_name`, and the other way round. */
    private Problem alignedNulls(int level) {
      List<ArrayFacts> facts = primitiveArrays.get(level);
      for (ArrayFacts a : facts) {
        if (a.nulls() == null) {
          continue;
        }
        String siblingName = a.name().startsWith("_") ? a.name().substring(1) : "_" + a.name();
        ArrayFacts sibling = facts.stream().filter(f -> f.name().equals(siblingName)).findFirst().orElse(null);
        for (int i = a.nulls().nextSetBit(0); i >= 0; i = a.nulls().nextSetBit(i + 1)) {
          if (sibling == null || i >= sibling.length() || (sibling.nulls() != null && sibling.nulls().get(i))) {
            name[level] = a.name();
            return new Problem(path(level + 1) + "[" + i + "]", "null is not a value in FHIR JSON (it is only "
                + "allowed in a primitive array whose '" + siblingName + "' array has a value at the same "
                + "position): leave the element out");
          }
        }
      }
      return null;
    }

    /** The FHIRPath of the element at the given level (the value inside the container below it). */
    private String path(int levels) {
      StringBuilder b = new StringBuilder(root());
      for (int i = 0; i < levels; i++) {
        if (array[i]) {
          b.append('[').append(Math.max(position[i], 0)).append(']');
        } else if (name[i] != null) {
          b.append('.').append(name[i]);
        }
      }
      return b.toString();
    }

    private String root() {
      return rootType != null ? rootType : expectedType != null ? expectedType : "Resource";
    }

    /**
     * A problem found before the resourceType was read is renamed once it is: the rest of the
     * resource's members are read (not checked) to find it.
     */
    private Problem named(Problem problem) {
      if (rootType != null || expectedType != null) {
        return problem;
      }
      try {
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          if (t == JsonToken.FIELD_NAME && p.getParsingContext().getParent() != null
              && p.getParsingContext().getParent().inRoot() && p.currentName().equals("resourceType")) {
            if (p.nextToken() == JsonToken.VALUE_STRING) {
              return new Problem(p.getText() + problem.expression().substring("Resource".length()),
                  problem.message());
            }
            return problem;
          }
        }
      } catch (IOException | RuntimeException e) {
        // Malformed further on: the problem keeps its generic name.
      }
      return problem;
    }

    private String abbreviated() {
      try {
        String text = p.getText();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
      } catch (IOException e) {
        return "";
      }
    }

    private String describe(JsonToken t) {
      return switch (t) {
        case START_ARRAY -> "an array";
        case START_OBJECT -> "an object";
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + abbreviated();
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NULL -> "null";
        default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
      };
    }
  }

  /** What the null check needs to know of one array member of an object. */
  private record ArrayFacts(String name, int length, BitSet nulls) {}
}
