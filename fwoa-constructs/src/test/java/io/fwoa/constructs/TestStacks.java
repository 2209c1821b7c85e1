package io.fwoa.constructs;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/** Fresh apps and stacks for construct tests, and small template queries. */
final class TestStacks {

  private TestStacks() {}

  static App app() {
    return App.Builder.create().analyticsReporting(false).build();
  }

  static Stack stack() {
    return new Stack(app(), "Test", StackProps.builder()
        .env(Environment.builder().region("us-west-2").account("123456789012").build())
        .build());
  }

  /** Resources of a type as logical id → resource (Type, Properties, DeletionPolicy, ...). */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> resources(Template template, String type) {
    return template.findResources(type);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> properties(Map<String, Object> resource) {
    return (Map<String, Object>) resource.get("Properties");
  }

  /** The single resource of a type (fails if there are none or several). */
  static Map<String, Object> only(Template template, String type) {
    Map<String, Map<String, Object>> found = resources(template, type);
    if (found.size() != 1) {
      throw new AssertionError("Expected one " + type + " but found " + found.keySet());
    }
    return found.values().iterator().next();
  }

  /** All IAM actions granted by the policies attached to roles whose logical id contains the fragment. */
  @SuppressWarnings("unchecked")
  static List<String> actionsOfRole(Template template, String roleFragment) {
    return resources(template, "AWS::IAM::Policy").values().stream()
        .filter(p -> String.valueOf(properties(p).get("Roles")).contains(roleFragment))
        .flatMap(p -> ((List<Map<String, Object>>) ((Map<String, Object>) properties(p).get("PolicyDocument"))
            .get("Statement")).stream())
        .flatMap(s -> s.get("Action") instanceof List<?> l ? l.stream().map(String::valueOf)
            : java.util.stream.Stream.of(String.valueOf(s.get("Action"))))
        .collect(Collectors.toList());
  }
}
