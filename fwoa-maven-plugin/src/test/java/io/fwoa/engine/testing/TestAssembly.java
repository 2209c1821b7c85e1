package io.fwoa.engine.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fwoa.constructs.FhirDeploymentConfig;
import io.fwoa.engine.deploy.AssemblySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Writes a small cloud assembly shaped like fwoa's (same stack names, output names, asset manifest
 * layout, asset bucket, tags, termination protection for prod) without running the CDK, so engine
 * tests take milliseconds. Lambda code content, a stateful property and the template size can be
 * varied to produce updates, replacements and templates over the inline limit.
 */
public class TestAssembly implements AssemblySource {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public String lambdaCode = "code-v1";
  public String tableName = null;
  public boolean largeTemplate;
  public boolean searchDomain;
  public String bucketTemplate = "fwoa-assets-${AWS::AccountId}-${AWS::Region}";
  public String extraOutputKey;
  public String extraOutputValue;
  /** Template-level Metadata, which CloudFormation does not deploy. */
  public String templateMetadata;

  @Override
  public void assemble(FhirDeploymentConfig config, Path outDir) {
    try {
      write(config, outDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(FhirDeploymentConfig config, Path out) throws IOException {
    if (Files.exists(out)) {
      try (var walk = Files.walk(out)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          if (!p.equals(out)) {
            Files.delete(p);
          }
        }
      }
    }
    Files.createDirectories(out);
    String region = config.getRegion();
    String bucket = bucketTemplate.replace("${AWS::Region}", region);

    // Assets: the Lambda jar (file) and a handler directory (zip), named by content hash like the CDK.
    String jarHash = sha(lambdaCode);
    Path jar = out.resolve("asset." + jarHash + ".jar");
    Files.writeString(jar, lambdaCode);
    String dirHash = sha("auto-delete-handler");
    Path dir = out.resolve("asset." + dirHash);
    Files.createDirectories(dir.resolve("lib"));
    Files.writeString(dir.resolve("index.js"), "exports.handler = async () => ({});\n");
    Files.writeString(dir.resolve("lib/util.js"), "module.exports = {};\n");

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("version", "54.0.0");
    ObjectNode artifacts = manifest.putObject("artifacts");

    String service = config.serviceStackName();
    ObjectNode template = serviceTemplate(config, jarHash, dirHash);
    writeStack(out, artifacts, config, service, template, bucket, new String[][] {
        {jarHash, "asset." + jarHash + ".jar", "file", "Service/FhirServer/Code", ".jar"},
        {dirHash, "asset." + dirHash, "zip", service + "/Custom::S3AutoDeleteObjectsCustomResourceProvider Code", ".zip"}},
        null);
    if (config.isEnableBackup()) {
      ObjectNode backup = JSON.createObjectNode();
      backup.put("Description", "fwoa daily AWS Backup (stage " + config.getStage() + ")");
      ObjectNode res = backup.putObject("Resources");
      ObjectNode vault = res.putObject("BackupVault");
      vault.put("Type", "AWS::Backup::BackupVault");
      vault.putObject("Properties").put("BackupVaultName", "fwoa-" + config.getStage() + "-vault");
      vault.put("DeletionPolicy", "Retain");
      ObjectNode plan = res.putObject("BackupPlan");
      plan.put("Type", "AWS::Backup::BackupPlan");
      plan.putObject("Properties").putObject("BackupPlan").put("BackupPlanName", "daily");
      ObjectNode outputs = backup.putObject("Outputs");
      outputs.putObject("backupVaultNameOutput").putObject("Value").put("Ref", "BackupVault");
      outputs.putObject("backupPlanIdOutput").putObject("Value").put("Ref", "BackupPlan");
      writeStack(out, artifacts, config, config.backupStackName(), backup, bucket, new String[0][], service);
    }
    Files.writeString(out.resolve("cdk.out"), "{\"version\":\"54.0.0\"}");
    JSON.writeValue(out.resolve("manifest.json").toFile(), manifest);
  }

  private ObjectNode serviceTemplate(FhirDeploymentConfig config, String jarHash, String dirHash) {
    ObjectNode t = JSON.createObjectNode();
    t.put("Description", "fwoa FHIR R4 service (stage " + config.getStage() + ")");
    if (templateMetadata != null) {
      t.putObject("Metadata").put("Note", templateMetadata);
    }
    ObjectNode r = t.putObject("Resources");
    ObjectNode table = resource(r, "ServiceResourceTableCCEDD720", "AWS::DynamoDB::Table");
    ObjectNode tp = (ObjectNode) table.get("Properties");
    ArrayNode keys = tp.putArray("KeySchema");
    keys.addObject().put("AttributeName", "id").put("KeyType", "HASH");
    keys.addObject().put("AttributeName", "vid").put("KeyType", "RANGE");
    if (tableName != null) {
      tp.put("TableName", tableName);
    }
    table.put("DeletionPolicy", config.isProduction() ? "Retain" : "Delete");
    ObjectNode bucket = resource(r, "ServiceBinaryBucket887A130D", "AWS::S3::Bucket");
    bucket.put("DeletionPolicy", config.isProduction() ? "Retain" : "Delete");
    ObjectNode role = resource(r, "ServiceFhirServerRoleA1B2C3D4", "AWS::IAM::Role");
    ((ObjectNode) role.get("Properties")).putObject("AssumeRolePolicyDocument").put("Version", "2012-10-17");
    ObjectNode fn = resource(r, "ServiceFhirServer44FD6800", "AWS::Lambda::Function");
    ObjectNode fp = (ObjectNode) fn.get("Properties");
    ObjectNode code = fp.putObject("Code");
    code.putObject("S3Bucket").put("Fn::Sub", bucketTemplate.replace("${AWS::Region}", config.getRegion()));
    code.put("S3Key", "assets/" + jarHash + ".jar");
    fp.putObject("Role").putArray("Fn::GetAtt").add("ServiceFhirServerRoleA1B2C3D4").add("Arn");
    fp.put("Runtime", "java21");
    ObjectNode handler = resource(r, "CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F", "AWS::Lambda::Function");
    ObjectNode hc = ((ObjectNode) handler.get("Properties")).putObject("Code");
    hc.putObject("S3Bucket").put("Fn::Sub", bucketTemplate.replace("${AWS::Region}", config.getRegion()));
    hc.put("S3Key", "assets/" + dirHash + ".zip");
    ((ObjectNode) handler.get("Properties")).put("Runtime", "nodejs22.x");
    ObjectNode api = resource(r, "ServiceApiC8B597B2", "AWS::ApiGateway::RestApi");
    ((ObjectNode) api.get("Properties")).put("Name", config.getStage() + "-fhir-service");
    ObjectNode key = resource(r, "ServiceApiDeveloperKey30FAD02E", "AWS::ApiGateway::ApiKey");
    key.set("DependsOn", JSON.createArrayNode().add("ServiceApiC8B597B2"));
    ObjectNode pool = resource(r, "ServiceUserPoolCCDA8210", "AWS::Cognito::UserPool");
    pool.put("DeletionPolicy", config.isProduction() ? "Retain" : "Delete");
    ObjectNode client = resource(r, "ServiceUserPoolAppClient777DCED7", "AWS::Cognito::UserPoolClient");
    ((ObjectNode) client.get("Properties")).putObject("UserPoolId").put("Ref", "ServiceUserPoolCCDA8210");
    if (searchDomain) {
      ObjectNode domain = resource(r, "SearchDomain62FD613E", "AWS::OpenSearchService::Domain");
      ((ObjectNode) domain.get("Properties")).put("EngineVersion", "OpenSearch_2.19");
    }
    if (largeTemplate) {
      for (int i = 0; i < 120; i++) {
        ObjectNode alarm = resource(r, "AlarmsAlarm" + i + "ABCDEF12", "AWS::CloudWatch::Alarm");
        ((ObjectNode) alarm.get("Properties")).put("AlarmDescription", "x".repeat(400) + i);
      }
    }
    ObjectNode o = t.putObject("Outputs");
    ObjectNode endpoint = o.putObject("ServiceEndpoint").putObject("Value");
    ArrayNode join = endpoint.putArray("Fn::Join");
    join.add("");
    ArrayNode parts = join.addArray();
    parts.add("https://");
    parts.addObject().put("Ref", "ServiceApiC8B597B2");
    parts.add(".execute-api." + config.getRegion() + ".");
    parts.addObject().put("Ref", "AWS::URLSuffix");
    parts.add("/" + config.getStage() + "/");
    o.putObject("developerApiKeyOutput").putObject("Value").put("Ref", "ServiceApiDeveloperKey30FAD02E");
    o.putObject("userPoolId").putObject("Value").put("Ref", "ServiceUserPoolCCDA8210");
    o.putObject("userPoolAppClientId").putObject("Value").put("Ref", "ServiceUserPoolAppClient777DCED7");
    o.putObject("FHIRBinaryBucket").putObject("Value").putArray("Fn::GetAtt").add("ServiceBinaryBucket887A130D").add("Arn");
    o.putObject("resourceDynamoDbTableArnOutput").putObject("Value").putArray("Fn::GetAtt")
        .add("ServiceResourceTableCCEDD720").add("Arn");
    if (extraOutputKey != null) {
      o.putObject(extraOutputKey).put("Value", extraOutputValue);
    }
    return t;
  }

  private static ObjectNode resource(ObjectNode resources, String id, String type) {
    ObjectNode r = resources.putObject(id);
    r.put("Type", type);
    r.putObject("Properties");
    return r;
  }

  private void writeStack(Path out, ObjectNode artifacts, FhirDeploymentConfig config, String name, ObjectNode template,
      String bucket, String[][] assets, String dependsOn) throws IOException {
    String templateFile = name + ".template.json";
    String body = JSON.writeValueAsString(template);
    Files.writeString(out.resolve(templateFile), body, StandardCharsets.UTF_8);
    ObjectNode am = JSON.createObjectNode();
    am.put("version", "54.0.0");
    ObjectNode files = am.putObject("files");
    for (String[] a : assets) {
      ObjectNode f = files.putObject(a[0]);
      f.put("displayName", a[3]);
      f.putObject("source").put("path", a[1]).put("packaging", a[2]);
      f.putObject("destinations").putObject("current_account-" + config.getRegion())
          .put("bucketName", bucket).put("objectKey", "assets/" + a[0] + a[4]).put("region", config.getRegion());
    }
    String templateHash = sha(body);
    ObjectNode tf = files.putObject(templateHash);
    tf.put("displayName", name + " Template");
    tf.putObject("source").put("path", templateFile).put("packaging", "file");
    tf.putObject("destinations").putObject("current_account-" + config.getRegion())
        .put("bucketName", bucket).put("objectKey", "assets/" + templateHash + ".json").put("region", config.getRegion());
    am.putObject("dockerImages");
    JSON.writeValue(out.resolve(name + ".assets.json").toFile(), am);

    ObjectNode assetArtifact = artifacts.putObject(name + ".assets");
    assetArtifact.put("type", "cdk:asset-manifest");
    assetArtifact.putObject("properties").put("file", name + ".assets.json");
    ObjectNode stack = artifacts.putObject(name);
    stack.put("type", "aws:cloudformation:stack");
    stack.put("environment", "aws://unknown-account/" + config.getRegion());
    ObjectNode props = stack.putObject("properties");
    props.put("templateFile", templateFile);
    props.put("terminationProtection", config.isProduction());
    props.putObject("tags").put("FHIR_SERVICE", "fhir-service-" + config.getRegion() + "-" + config.getStage());
    props.put("stackName", name);
    ArrayNode deps = stack.putArray("dependencies");
    if (dependsOn != null) {
      deps.add(dependsOn);
    }
    deps.add(name + ".assets");
    ObjectNode metadata = stack.putObject("metadata");
    metadata.putArray("/" + name + "/Service/ResourceTable/Resource").addObject().put("type", "aws:cdk:logicalId")
        .put("data", "ServiceResourceTableCCEDD720");
    metadata.putArray("/" + name + "/Service/FhirServer/Resource").addObject().put("type", "aws:cdk:logicalId")
        .put("data", "ServiceFhirServer44FD6800");
    metadata.putArray("/" + name + "/Search/Domain/Resource").addObject().put("type", "aws:cdk:logicalId")
        .put("data", "SearchDomain62FD613E");
  }

  static String sha(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
