package io.fwoa.engine.assets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fwoa.engine.assembly.AssemblyStack;
import io.fwoa.engine.aws.AwsCalls;
import io.fwoa.engine.aws.AwsSession;
import io.fwoa.engine.deploy.TemplateSource;
import io.fwoa.engine.log.EngineLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Uploads a stack's file assets (from its CDK asset manifest) to the asset bucket under their
 * content-hash keys. An object already under its key is not uploaded again (checked with
 * ListObjectsV2, as the CDK CLI does): the key is the content hash, so it holds the same bytes.
 * The template itself is uploaded only when it is over CloudFormation's 51,200-byte inline limit.
 */
public final class AssetPublisher {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String S3 = "S3";

  private final AwsSession session;
  private final EngineLog log;
  private final AwsCalls calls;

  public AssetPublisher(AwsSession session, EngineLog log) {
    this.session = session;
    this.log = log;
    this.calls = session.calls();
  }

  /** One file asset destination, with placeholders resolved. */
  public record FileAsset(String id, String displayName, Path source, String packaging, String bucket, String key,
      String region) {}

  /**
   * Uploads the stack's missing assets and returns where CloudFormation gets the template from.
   *
   * @param account account id for the ${AWS::AccountId} placeholder of the asset destinations
   */
  public TemplateSource publish(AssemblyStack stack, String account) {
    List<FileAsset> assets = stack.assetManifest() == null ? List.of() : read(stack.assetManifest(), account, stack.region());
    boolean inlineTemplate = stack.templateSize() <= TemplateSource.MAX_BODY_BYTES;
    FileAsset templateAsset = null;
    for (FileAsset a : assets) {
      if (a.source().equals(stack.templateFile())) {
        templateAsset = a;
        if (inlineTemplate) {
          continue;
        }
      }
      upload(a);
    }
    if (inlineTemplate) {
      return TemplateSource.body(stack.templateBody());
    }
    if (templateAsset == null) {
      throw new IllegalStateException(stack.stackName() + "'s template is " + stack.templateSize() + " bytes, over "
          + "CloudFormation's inline limit, and its asset manifest does not list it for upload");
    }
    return TemplateSource.url(objectUrl(templateAsset));
  }

  /** Uploads the template only (for fwoa:diff on a template over the inline limit). */
  public TemplateSource publishTemplate(AssemblyStack stack, String account) {
    if (stack.templateSize() <= TemplateSource.MAX_BODY_BYTES) {
      return TemplateSource.body(stack.templateBody());
    }
    for (FileAsset a : read(stack.assetManifest(), account, stack.region())) {
      if (a.source().equals(stack.templateFile())) {
        upload(a);
        return TemplateSource.url(objectUrl(a));
      }
    }
    throw new IllegalStateException(stack.stackName() + "'s template is not in its asset manifest");
  }

  /** https URL of an object, in the form CloudFormation accepts for TemplateURL. */
  static String objectUrl(FileAsset a) {
    String suffix = a.region().startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return "https://s3." + a.region() + "." + suffix + "/" + a.bucket() + "/" + a.key();
  }

  /** The file assets of an asset manifest; container image assets are rejected (fwoa has none). */
  public static List<FileAsset> read(Path manifest, String account, String defaultRegion) {
    JsonNode root;
    try {
      root = JSON.readTree(manifest.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read asset manifest " + manifest + ": " + e.getMessage(), e);
    }
    if (root.path("dockerImages").size() > 0) {
      throw new IllegalStateException("The stack has container image assets (" + manifest + "); fwoa deploys file assets only");
    }
    Path dir = manifest.toAbsolutePath().getParent();
    List<FileAsset> out = new ArrayList<>();
    root.path("files").properties().forEach(f -> {
      JsonNode source = f.getValue().path("source");
      String display = f.getValue().path("displayName").asText(f.getKey());
      f.getValue().path("destinations").properties().forEach(d -> {
        // An assumeRoleArn (CDK bootstrap roles) is ignored: fwoa uploads with the caller's credentials.
        JsonNode dest = d.getValue();
        String region = dest.path("region").asText(defaultRegion);
        out.add(new FileAsset(f.getKey(), display, dir.resolve(source.path("path").asText()).toAbsolutePath(),
            source.path("packaging").asText("file"), resolve(dest.path("bucketName").asText(), account, region),
            resolve(dest.path("objectKey").asText(), account, region), region));
      });
    });
    return out;
  }

  static String resolve(String s, String account, String region) {
    String partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    return s.replace("${AWS::AccountId}", account).replace("${AWS::Region}", region).replace("${AWS::Partition}", partition);
  }

  private void upload(FileAsset a) {
    if (exists(a)) {
      log.debug("Asset " + a.displayName() + " is already in s3://" + a.bucket() + "/" + a.key());
      return;
    }
    Path file = a.source();
    if ("zip".equals(a.packaging()) && Files.isDirectory(a.source())) {
      file = a.source().resolveSibling(a.source().getFileName() + ".zip");
      try {
        DeterministicZip.zip(a.source(), file);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot zip asset " + a.source() + ": " + e.getMessage(), e);
      }
    } else if (!Files.isRegularFile(file)) {
      throw new UncheckedIOException(new IOException("Asset " + a.displayName() + " is missing: " + file
          + " (run the goal again to synthesize a fresh cloud assembly)"));
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log.info("Uploading " + a.displayName() + " (" + size(size) + ") to s3://" + a.bucket() + "/" + a.key());
    Path body = file;
    calls.run(S3, "PutObject", () -> session.s3().putObject(r -> r.bucket(a.bucket()).key(a.key())
        .contentType(contentType(a.key())), RequestBody.fromFile(body)));
  }

  private boolean exists(FileAsset a) {
    var listing = calls.call(S3, "ListObjectsV2", () -> session.s3().listObjectsV2(r -> r.bucket(a.bucket())
        .prefix(a.key()).maxKeys(1)));
    return listing.contents().stream().anyMatch(o -> o.key().equals(a.key()));
  }

  private static String contentType(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.endsWith(".json")) {
      return "application/json";
    }
    if (k.endsWith(".zip") || k.endsWith(".jar")) {
      return "application/zip";
    }
    return "application/octet-stream";
  }

  static String size(long bytes) {
    if (bytes >= 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
    }
    if (bytes >= 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return bytes + " B";
  }
}
