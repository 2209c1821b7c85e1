package io.fwoa.engine.aws;

import java.util.Map;
import java.util.TreeMap;

/** Counts API calls per service and operation, for the benchmark and the debug log. */
public final class CallCounter {

  private final Map<String, Integer> counts = new TreeMap<>();

  synchronized void count(String service, String operation) {
    counts.merge(service + ":" + operation, 1, Integer::sum);
  }

  /** Calls to one service (for example "CloudFormation"). */
  public synchronized int total(String service) {
    return counts.entrySet().stream().filter(e -> e.getKey().startsWith(service + ":"))
        .mapToInt(Map.Entry::getValue).sum();
  }

  public synchronized int count(String serviceAndOperation) {
    return counts.getOrDefault(serviceAndOperation, 0);
  }

  public synchronized Map<String, Integer> snapshot() {
    return new TreeMap<>(counts);
  }

  @Override
  public synchronized String toString() {
    return counts.toString();
  }
}
