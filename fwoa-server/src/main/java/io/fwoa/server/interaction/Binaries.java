package io.fwoa.server.interaction;

import io.fwoa.server.binary.BinaryStore;
import io.fwoa.server.fhir.Fhir;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.StoredVersion;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.UrlType;

/**
 * Binary resources: the resource (content type, security context) is stored like any other, the
 * content goes to S3 under a key unique to the version that brought it. A version written without
 * data (a PATCH, a PUT of the resource alone) keeps the content of the version before it: FHIR has
 * no way to say "no content", so leaving data out never deletes it. A first version without data
 * gets an empty key and the response a presigned PUT URL; reads inline content up to
 * {@link #INLINE_LIMIT} and always carry a presigned GET URL. Both URLs are extensions on
 * {@code meta} (Binary itself has no extensions); sent back, they are not stored.
 */
final class Binaries {

  static final String PRESIGNED_GET_URL = "http://fwoa.io/fhir/StructureDefinition/binary-presigned-get-url";
  static final String PRESIGNED_PUT_URL = "http://fwoa.io/fhir/StructureDefinition/binary-presigned-put-url";
  /** Base64 grows content by a third; this keeps a read under Lambda's 6 MB response limit. */
  static final int INLINE_LIMIT = 4 * 1024 * 1024;

  private final BinaryStore store;
  private final ResourceStore resources;
  private final SecureRandom random = new SecureRandom();

  Binaries(BinaryStore store, ResourceStore resources) {
    this.store = store;
    this.resources = resources;
  }

  boolean enabled() {
    return store != null;
  }

  /**
   * Moves the content of a Binary out of the resource into S3.
   *
   * @return the content key of this version, or null if not a Binary (or no bucket)
   */
  String beforeWrite(Resource resource, ResourceKey key, long versionId) {
    if (store == null || !(resource instanceof Binary binary)) {
      return null;
    }
    if (binary.hasMeta()) {
      binary.getMeta().getExtension().removeIf(e -> e.getUrl() != null
          && (e.getUrl().equals(PRESIGNED_GET_URL) || e.getUrl().equals(PRESIGNED_PUT_URL)));
    }
    if (!binary.hasData() && versionId > 1) {
      Optional<StoredVersion> previous = resources.version(key, versionId - 1);
      if (previous.isPresent() && !previous.get().deleted() && previous.get().contentKey() != null) {
        // Inline data always gets a fresh key, so sharing this one never changes another version.
        return previous.get().contentKey();
      }
    }
    byte[] nonce = new byte[6];
    random.nextBytes(nonce);
    String contentKey = (key.tenant() == null ? "" : key.tenant() + "/") + "Binary/" + key.id() + "/" + versionId
        + "-" + HexFormat.of().formatHex(nonce);
    if (binary.hasData()) {
      store.put(contentKey, binary.getData(), binary.getContentType());
      binary.setData(null);
    }
    return contentKey;
  }

  /**
   * The JSON to serve for a stored version: checked ({@link StoredJson}) unless this request just
   * wrote it ({@link Resources#stamp} checked it then), Binary content and URLs added.
   *
   * @throws io.fwoa.server.api.FhirException 409 when the stored version cannot be served
   */
  String present(StoredVersion version, boolean justWritten) {
    String json = justWritten ? version.json() : StoredJson.checked(version);
    if (store == null || version.contentKey() == null || json == null) {
      return json;
    }
    Binary binary;
    try {
      binary = Fhir.jsonParser().parseResource(Binary.class, json);
    } catch (RuntimeException e) {
      throw StoredJson.unreadable(version, e.toString());
    }
    Optional<byte[]> data = store.get(version.contentKey(), INLINE_LIMIT);
    data.ifPresent(binary::setData);
    binary.getMeta().addExtension(PRESIGNED_GET_URL, new UrlType(store.presignedGet(version.contentKey())));
    if (justWritten && data.isEmpty()) {
      binary.getMeta().addExtension(PRESIGNED_PUT_URL,
          new UrlType(store.presignedPut(version.contentKey(), binary.getContentType())));
    }
    return Fhir.toJson(binary);
  }
}
