package io.fwoa.server.search.index;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.server.search.params.ParamType;
import io.fwoa.server.search.params.SearchParam;
import io.fwoa.server.search.params.SearchParams;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The index of each resource type, generated from its search parameter definitions: exact and
 * token values are {@code keyword}s; {@code text} only where matching needs analysis (the
 * {@code :contains} trigrams of strings, the {@code :text} words of tokens, {@code _text} and
 * {@code _content}); dates are {@code date_range}s plus sortable bounds. The mapping is strict: a
 * document field that the definitions did not declare is an error, not a new field.
 *
 * <p>Each type has an alias (what readers and writers use) over a concrete index whose name
 * carries a hash of the mapping, so a changed mapping gets a new index behind the same alias.
 */
public final class Mappings {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** Bumped when the document layout changes in a way the generated mapping does not show. */
  private static final String LAYOUT = "1";

  private Mappings() {}

  /** The alias of a type's index: "fwoa-patient". */
  public static String alias(String resourceType) {
    return "fwoa-" + resourceType.toLowerCase(Locale.ROOT);
  }

  /** The concrete index behind the alias: "fwoa-patient-v&lt;hash of mapping and settings&gt;". */
  public static String index(String resourceType) {
    String body = mappings(resourceType).toString() + settings().toString() + LAYOUT;
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
      return alias(resourceType) + "-" + HexFormat.of().formatHex(d, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Index settings: analyzers, one shard, a replica once a second node exists. */
  public static ObjectNode settings() {
    ObjectNode s = F.objectNode();
    ObjectNode index = s.putObject("index");
    index.put("number_of_shards", 1);
    index.put("auto_expand_replicas", "0-1");
    index.put("mapping.total_fields.limit", 10000);
    index.put("mapping.nested_fields.limit", 200);
    // Hard-deleted documents remember their version this long, so a late retry of an older
    // stream record cannot bring them back.
    index.put("gc_deletes", "1h");
    ObjectNode analysis = s.putObject("analysis");
    ObjectNode tokenizer = analysis.putObject("tokenizer").putObject("fwoa_trigram");
    tokenizer.put("type", "ngram").put("min_gram", 3).put("max_gram", 3);
    tokenizer.putArray("token_chars");
    ObjectNode analyzers = analysis.putObject("analyzer");
    ObjectNode trigram = analyzers.putObject("fwoa_trigram");
    trigram.put("type", "custom").put("tokenizer", "fwoa_trigram");
    trigram.putArray("filter").add("lowercase");
    ObjectNode folding = analyzers.putObject("fwoa_folding");
    folding.put("type", "custom").put("tokenizer", "standard");
    folding.putArray("filter").add("lowercase").add("asciifolding");
    return s;
  }

  public static ObjectNode mappings(String resourceType) {
    ObjectNode m = F.objectNode();
    m.put("dynamic", "strict");
    ObjectNode props = m.putObject("properties");
    props.set("id", keyword());
    props.set("tenant", keyword());
    props.set("rt", keyword());
    props.set("vid", type("long"));
    props.set("lastUpdated", date());
    props.set("deleted", type("boolean"));
    props.set("present", keyword());
    ObjectNode resource = props.putObject("resource");
    resource.put("type", "object").put("enabled", false);
    ObjectNode ft = props.putObject("ft");
    ft.put("dynamic", "strict");
    ObjectNode ftProps = ft.putObject("properties");
    ftProps.set("text", text("fwoa_folding"));
    ftProps.set("content", text("fwoa_folding"));
    ObjectNode p = props.putObject("p");
    p.put("dynamic", "strict");
    ObjectNode params = p.putObject("properties");
    for (SearchParam sp : SearchParams.of(resourceType).values()) {
      if (sp.name().equals("_text") || sp.name().equals("_content")) {
        continue;
      }
      if (sp.isComposite()) {
        ObjectNode c = params.putObject(sp.name());
        c.put("type", "nested");
        c.put("dynamic", "strict");
        ObjectNode cp = c.putObject("properties");
        for (int i = 0; i < sp.components().size(); i++) {
          ObjectNode part = shape(sp.components().get(i).param().type());
          part.put("type", "object");
          cp.set("c" + i, part);
        }
      } else {
        ObjectNode shape = shape(sp.type());
        if (sp.type() == ParamType.QUANTITY) {
          shape.put("type", "nested");
        }
        params.set(sp.name(), shape);
      }
    }
    return m;
  }

  /** The fields of one value of a parameter type (see {@code Values}). */
  static ObjectNode shape(ParamType type) {
    ObjectNode o = F.objectNode();
    o.put("dynamic", "strict");
    ObjectNode props = o.putObject("properties");
    switch (type) {
      case STRING -> {
        ObjectNode n = keyword();
        n.putObject("fields").set("c", text("fwoa_trigram"));
        props.set("n", n);
        props.set("e", keyword());
      }
      case TOKEN -> {
        props.set("code", keyword());
        props.set("sys", keyword());
        props.set("sc", keyword());
        props.set("ot", keyword());
        props.set("text", text("fwoa_folding"));
      }
      case REFERENCE -> {
        props.set("ref", keyword());
        props.set("type", keyword());
        props.set("id", keyword());
        props.set("ident", shape(ParamType.TOKEN));
      }
      case DATE -> {
        ObjectNode r = date();
        r.put("type", "date_range");
        props.set("r", r);
        props.set("lo", date());
        props.set("hi", date());
      }
      case NUMBER -> props.set("v", type("double"));
      case QUANTITY -> {
        props.set("v", type("double"));
        props.set("sys", keyword());
        props.set("code", keyword());
        props.set("unit", keyword());
        props.set("cv", type("double"));
        props.set("cu", keyword());
      }
      case URI -> props.set("u", keyword());
      default -> {
        // no values
      }
    }
    return o;
  }

  private static ObjectNode keyword() {
    return type("keyword");
  }

  private static ObjectNode date() {
    ObjectNode d = type("date");
    d.put("format", "epoch_millis");
    return d;
  }

  private static ObjectNode text(String analyzer) {
    ObjectNode t = type("text");
    t.put("analyzer", analyzer);
    return t;
  }

  private static ObjectNode type(String type) {
    ObjectNode o = F.objectNode();
    o.put("type", type);
    return o;
  }
}
