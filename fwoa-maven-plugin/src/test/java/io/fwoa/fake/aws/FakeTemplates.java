package io.fwoa.fake.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.fake.aws.FakeState.ResourceState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the fake CloudFormation needs to know about templates: resources, dependencies, intrinsic values. */
final class FakeTemplates {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!]+)}");

  /** Properties whose change replaces the resource (a small, realistic subset). */
  private static final Map<String, Set<String>> REPLACING = Map.of(
      "AWS::DynamoDB::Table", Set.of("TableName", "KeySchema"),
      "AWS::S3::Bucket", Set.of("BucketName"),
      "AWS::KMS::Key", Set.of("KeySpec", "KeyUsage"),
      "AWS::Cognito::UserPool", Set.of("AliasAttributes", "UsernameAttributes", "Schema"),
      "AWS::OpenSearchService::Domain", Set.of("DomainName"),
      "AWS::Logs::LogGroup", Set.of("LogGroupName"),
      "AWS::SQS::Queue", Set.of("QueueName", "FifoQueue"),
      "AWS::Lambda::Function", Set.of("FunctionName"),
      "AWS::IAM::Role", Set.of("RoleName", "Path"));

  private FakeTemplates() {}

  static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, JsonNode> resources(JsonNode template) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    template.path("Resources").properties().forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  static boolean hasIam(JsonNode template) {
    for (JsonNode r : resources(template).values()) {
      if (r.path("Type").asText().startsWith("AWS::IAM::")) {
        return true;
      }
    }
    return false;
  }

  /** Resources each resource refers to (Ref, GetAtt, Sub, DependsOn). */
  static Map<String, Set<String>> dependencies(JsonNode template) {
    Map<String, JsonNode> resources = resources(template);
    Map<String, Set<String>> deps = new LinkedHashMap<>();
    resources.forEach((id, r) -> {
      Set<String> d = new LinkedHashSet<>();
      collectRefs(r.path("Properties"), resources.keySet(), d);
      JsonNode dependsOn = r.path("DependsOn");
      if (dependsOn.isTextual()) {
        d.add(dependsOn.asText());
      } else {
        dependsOn.forEach(x -> d.add(x.asText()));
      }
      d.remove(id);
      d.retainAll(resources.keySet());
      deps.put(id, d);
    });
    return deps;
  }

  private static void collectRefs(JsonNode node, Set<String> ids, Set<String> out) {
    if (node.isObject()) {
      if (node.has("Ref")) {
        out.add(node.get("Ref").asText());
      }
      if (node.has("Fn::GetAtt")) {
        JsonNode g = node.get("Fn::GetAtt");
        out.add(g.isArray() ? g.get(0).asText() : g.asText().split("\\.")[0]);
      }
      if (node.has("Fn::Sub")) {
        JsonNode s = node.get("Fn::Sub");
        String text = s.isArray() ? s.get(0).asText() : s.asText();
        Matcher m = SUB_VAR.matcher(text);
        while (m.find()) {
          out.add(m.group(1).split("\\.")[0]);
        }
      }
      node.elements().forEachRemaining(c -> collectRefs(c, ids, out));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(c -> collectRefs(c, ids, out));
    }
  }

  /** Replacement of a modified resource: True if a replacing property changed. */
  static String replacement(String type, JsonNode oldProps, JsonNode newProps) {
    Set<String> keys = REPLACING.getOrDefault(type, Set.of());
    Set<String> all = new LinkedHashSet<>();
    oldProps.fieldNames().forEachRemaining(all::add);
    newProps.fieldNames().forEachRemaining(all::add);
    for (String k : all) {
      if (keys.contains(k) && !oldProps.path(k).equals(newProps.path(k))) {
        return "True";
      }
    }
    return "False";
  }

  /** Virtual seconds a resource takes to create or update. */
  static long seconds(String type) {
    return switch (type) {
      case "AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain" -> 900;
      case "AWS::Cognito::UserPoolDomain" -> 60;
      case "AWS::S3::Bucket" -> 22;
      case "AWS::ApiGateway::Account" -> 20;
      case "AWS::IAM::Role" -> 15;
      case "AWS::DynamoDB::Table" -> 12;
      case "AWS::Lambda::Function" -> 8;
      default -> type.startsWith("Custom::") ? 10 : 3;
    };
  }

  /** Resolves an intrinsic value to text, as CloudFormation would for an output. */
  static String resolve(JsonNode node, Context ctx) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return "";
    }
    if (node.isValueNode()) {
      return node.asText();
    }
    if (node.isArray()) {
      List<String> parts = new ArrayList<>();
      node.forEach(n -> parts.add(resolve(n, ctx)));
      return String.join(",", parts);
    }
    if (node.has("Ref")) {
      return ref(node.get("Ref").asText(), ctx);
    }
    if (node.has("Fn::GetAtt")) {
      JsonNode g = node.get("Fn::GetAtt");
      String id = g.isArray() ? g.get(0).asText() : g.asText().split("\\.", 2)[0];
      String attr = g.isArray() ? resolve(g.get(1), ctx) : g.asText().split("\\.", 2)[1];
      return getAtt(id, attr, ctx);
    }
    if (node.has("Fn::Join")) {
      JsonNode j = node.get("Fn::Join");
      List<String> parts = new ArrayList<>();
      j.get(1).forEach(n -> parts.add(resolve(n, ctx)));
      return String.join(j.get(0).asText(), parts);
    }
    if (node.has("Fn::Sub")) {
      JsonNode s = node.get("Fn::Sub");
      String text = s.isArray() ? s.get(0).asText() : s.asText();
      Map<String, String> vars = new LinkedHashMap<>();
      if (s.isArray()) {
        s.get(1).properties().forEach(e -> vars.put(e.getKey(), resolve(e.getValue(), ctx)));
      }
      Matcher m = SUB_VAR.matcher(text);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String name = m.group(1);
        String value = vars.containsKey(name) ? vars.get(name)
            : name.contains(".") ? getAtt(name.split("\\.", 2)[0], name.split("\\.", 2)[1], ctx) : ref(name, ctx);
        m.appendReplacement(sb, Matcher.quoteReplacement(value));
      }
      m.appendTail(sb);
      return sb.toString();
    }
    if (node.has("Fn::Select")) {
      JsonNode sel = node.get("Fn::Select");
      int index = Integer.parseInt(resolve(sel.get(0), ctx));
      JsonNode list = sel.get(1);
      if (list.isArray()) {
        return resolve(list.get(index), ctx);
      }
      String[] items = resolve(list, ctx).split(",");
      return index < items.length ? items[index] : "";
    }
    if (node.has("Fn::Split")) {
      JsonNode sp = node.get("Fn::Split");
      return String.join(",", resolve(sp.get(1), ctx).split(Pattern.quote(sp.get(0).asText()), -1));
    }
    if (node.has("Fn::If")) {
      return resolve(node.get("Fn::If").get(1), ctx);
    }
    if (node.has("Fn::ImportValue")) {
      return "imported-" + resolve(node.get("Fn::ImportValue"), ctx);
    }
    if (node.has("Fn::GetAZs")) {
      return ctx.region + "a," + ctx.region + "b," + ctx.region + "c";
    }
    return node.toString();
  }

  /** What a template's values are resolved against. */
  static final class Context {
    final String account;
    final String region;
    final String stackName;
    final String stackId;
    final Map<String, ResourceState> resources;
    final Map<String, String> parameters;

    Context(String account, String region, String stackName, String stackId, Map<String, ResourceState> resources,
        Map<String, String> parameters) {
      this.account = account;
      this.region = region;
      this.stackName = stackName;
      this.stackId = stackId;
      this.resources = resources;
      this.parameters = parameters;
    }
  }

  private static String ref(String name, Context ctx) {
    switch (name) {
      case "AWS::AccountId":
        return ctx.account;
      case "AWS::Region":
        return ctx.region;
      case "AWS::Partition":
        return "aws";
      case "AWS::URLSuffix":
        return "amazonaws.com";
      case "AWS::StackName":
        return ctx.stackName;
      case "AWS::StackId":
        return ctx.stackId;
      case "AWS::NoValue":
        return "";
      default:
        break;
    }
    if (ctx.parameters.containsKey(name)) {
      return ctx.parameters.get(name);
    }
    ResourceState r = ctx.resources.get(name);
    return r == null ? name : r.physicalId;
  }

  private static String getAtt(String id, String attr, Context ctx) {
    ResourceState r = ctx.resources.get(id);
    String physical = r == null ? id : r.physicalId;
    String type = r == null ? "" : r.type;
    String service = type.startsWith("AWS::") ? type.split("::")[1].toLowerCase(Locale.ROOT) : "custom";
    switch (type + "." + attr) {
      case "AWS::S3::Bucket.Arn":
        return "arn:aws:s3:::" + physical;
      case "AWS::S3::Bucket.DomainName":
        return physical + ".s3.amazonaws.com";
      case "AWS::DynamoDB::Table.Arn":
        return "arn:aws:dynamodb:" + ctx.region + ":" + ctx.account + ":table/" + physical;
      case "AWS::DynamoDB::Table.StreamArn":
        return "arn:aws:dynamodb:" + ctx.region + ":" + ctx.account + ":table/" + physical + "/stream/2026-01-01T00:00:00.000";
      case "AWS::OpenSearchService::Domain.DomainEndpoint":
        return "search-" + physical + "-" + hash(physical).substring(0, 26).toLowerCase(Locale.ROOT) + "." + ctx.region
            + ".es.amazonaws.com";
      case "AWS::Lambda::Function.Arn":
        return "arn:aws:lambda:" + ctx.region + ":" + ctx.account + ":function:" + physical;
      case "AWS::SNS::Topic.TopicArn":
        return physical;
      default:
        break;
    }
    if (attr.endsWith("Arn")) {
      return physical.startsWith("arn:") ? physical : "arn:aws:" + service + ":" + ctx.region + ":" + ctx.account + ":" + physical;
    }
    return physical;
  }

  /** A physical id in the style of the resource type, deterministic for a stack, logical id and generation. */
  static String physicalId(String stackName, String logicalId, String type, JsonNode props, Context ctx, long generation) {
    String h = hash(stackName + "/" + logicalId + "/" + generation);
    String name = switch (type) {
      case "AWS::S3::Bucket" -> literal(props, "BucketName", ctx);
      case "AWS::DynamoDB::Table" -> literal(props, "TableName", ctx);
      case "AWS::Lambda::Function" -> literal(props, "FunctionName", ctx);
      case "AWS::IAM::Role" -> literal(props, "RoleName", ctx);
      case "AWS::OpenSearchService::Domain" -> literal(props, "DomainName", ctx);
      case "AWS::Logs::LogGroup" -> literal(props, "LogGroupName", ctx);
      case "AWS::SNS::Topic" -> literal(props, "TopicName", ctx);
      case "AWS::SQS::Queue" -> literal(props, "QueueName", ctx);
      case "AWS::ApiGateway::Stage" -> literal(props, "StageName", ctx);
      case "AWS::Backup::BackupVault" -> literal(props, "BackupVaultName", ctx);
      default -> null;
    };
    String generated = (stackName + "-" + logicalId).replaceAll("[^A-Za-z0-9-]", "");
    if (generated.length() > 50) {
      generated = generated.substring(0, 50);
    }
    generated = generated + "-" + h.substring(0, 12);
    return switch (type) {
      case "AWS::S3::Bucket" -> name != null ? name : generated.toLowerCase(Locale.ROOT);
      case "AWS::Cognito::UserPool" -> ctx.region + "_" + h.substring(0, 9);
      case "AWS::Cognito::UserPoolClient" -> h.substring(0, 26).toLowerCase(Locale.ROOT);
      case "AWS::Cognito::IdentityPool" -> ctx.region + ":" + uuid(h);
      case "AWS::ApiGateway::RestApi", "AWS::ApiGateway::ApiKey", "AWS::ApiGateway::UsagePlan" ->
          h.substring(0, 10).toLowerCase(Locale.ROOT);
      case "AWS::ApiGateway::Deployment" -> h.substring(0, 6).toLowerCase(Locale.ROOT);
      case "AWS::KMS::Key", "AWS::Backup::BackupPlan" -> uuid(h);
      case "AWS::SNS::Topic" -> "arn:aws:sns:" + ctx.region + ":" + ctx.account + ":" + (name != null ? name : generated);
      case "AWS::SQS::Queue" -> "https://sqs." + ctx.region + ".amazonaws.com/" + ctx.account + "/"
          + (name != null ? name : generated);
      case "AWS::OpenSearchService::Domain" -> name != null ? name : generated.toLowerCase(Locale.ROOT).substring(0, 28);
      default -> name != null ? name : generated;
    };
  }

  private static String literal(JsonNode props, String key, Context ctx) {
    JsonNode v = props.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    return resolve(v, ctx);
  }

  static String hash(String s) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
      for (byte b : d) {
        sb.append(alphabet.charAt((b & 0xff) % alphabet.length()));
      }
      return sb.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String uuid(String h) {
    String hex = java.util.HexFormat.of().formatHex(h.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).substring(0, 32)
        .toLowerCase(Locale.ROOT);
    return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20) + "-"
        + hex.substring(20, 32);
  }

  static Iterator<String> ids(JsonNode template) {
    return template.path("Resources").fieldNames();
  }
}
