package io.fwoa.server.search.params;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One search parameter of one resource type, as fwoa indexes and queries it.
 *
 * @param resourceType the type the parameter belongs to
 * @param name the parameter name (also the index field under {@code p.})
 * @param type its type
 * @param expression the FHIRPath expression restricted to this type (branches of other types
 *     removed), or null for parameters fwoa computes itself ({@code _id}, {@code _text},
 *     {@code _content})
 * @param targets resource types a reference parameter may point to (empty: any)
 * @param components the parts of a composite parameter, else empty
 * @param description the definition's description
 * @param definition the canonical URL of the SearchParameter, or null
 */
public record SearchParam(String resourceType, String name, ParamType type, String expression,
    Set<String> targets, List<Component> components, String description,
    String definition) {

  /**
   * One part of a composite parameter.
   *
   * @param param the parameter the part refers to (its type decides matching)
   * @param relative for each branch of the composite's expression, the part's expression relative
   *     to the values that branch yields
   */
  public record Component(SearchParam param, Map<String, String> relative) {}

  public String field() {
    return "p." + name;
  }

  public boolean isComposite() {
    return type == ParamType.COMPOSITE;
  }
}
