package io.fwoa.server.interaction;

import io.fwoa.server.api.FhirException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * Bundle rule bdl-7: a fullUrl is unique in a bundle, or else its entries have different
 * meta.versionId. In a transaction every fullUrl must be unique, because references in the bundle
 * resolve to it: two entries of one fullUrl would leave a reference to it ambiguous.
 */
final class FullUrls {

  private FullUrls() {}

  /** @throws FhirException 400 naming the fullUrl and both entries */
  static void requireUnique(Bundle bundle, boolean transaction) {
    List<BundleEntryComponent> entries = bundle.getEntry();
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      String fullUrl = entries.get(i).getFullUrl();
      if (fullUrl == null || fullUrl.isBlank()) {
        continue;
      }
      Integer earlier = first.putIfAbsent(fullUrl, i);
      if (earlier == null) {
        continue;
      }
      if (transaction) {
        throw FhirException.badRequest("The fullUrl '" + fullUrl + "' belongs to entries " + earlier + " and " + i
            + ": fullUrls must be unique in a transaction (references in the bundle resolve to them)");
      }
      String v1 = versionId(entries.get(earlier).getResource());
      String v2 = versionId(entries.get(i).getResource());
      if (v1 == null || Objects.equals(v1, v2)) {
        throw FhirException.badRequest("The fullUrl '" + fullUrl + "' belongs to entries " + earlier + " and " + i
            + " without different meta.versionId: fullUrls must be unique in a bundle (bdl-7)");
      }
    }
  }

  private static String versionId(Resource resource) {
    return resource == null || !resource.getMeta().hasVersionId() ? null : resource.getMeta().getVersionId();
  }
}
