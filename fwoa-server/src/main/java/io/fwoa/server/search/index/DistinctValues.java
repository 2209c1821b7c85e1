package io.fwoa.server.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Distinct values in the order first seen, at most a given number: a hash set, so collecting n
 * values costs O(n) (JSON nodes compare by content). A value beyond the bound is dropped and
 * marks the collection as overflowed.
 */
final class DistinctValues<T extends JsonNode> {

  private final Set<T> values = new LinkedHashSet<>();
  private final int max;
  private boolean overflowed;

  DistinctValues(int max) {
    this.max = max;
  }

  /**
   * @return false once a distinct value had to be dropped (callers stop collecting)
   */
  boolean add(T value) {
    if (values.size() < max) {
      values.add(value);
    } else if (!values.contains(value)) {
      overflowed = true;
    }
    return !overflowed;
  }

  boolean overflowed() {
    return overflowed;
  }

  boolean isEmpty() {
    return values.isEmpty();
  }

  int size() {
    return values.size();
  }

  Collection<T> values() {
    return Collections.unmodifiableSet(values);
  }
}
