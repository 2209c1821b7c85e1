package io.fwoa.server.interaction;

import io.fwoa.server.api.FhirException;
import io.fwoa.server.api.OperationOutcomes;
import io.fwoa.server.auth.Interaction;
import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.StoredVersion;
import java.util.Date;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;

/** Batch and transaction processing, and history bundles. */
public final class Bundles {

  private final Interactions interactions;
  private final TransactionProcessor transactions;
  private final int maxEntries;

  public Bundles(Interactions interactions, int maxEntries) {
    this.interactions = interactions;
    this.transactions = new TransactionProcessor(interactions);
    this.maxEntries = maxEntries;
  }

  /** Authorization of one entry. */
  @FunctionalInterface
  public interface AccessCheck {
    void check(Interaction interaction, String type);
  }

  /**
   * Processes a transaction: all entries or none.
   *
   * @param base this server's base as the caller addressed it, and the caller's tenant
   */
  public Bundle transaction(Bundle bundle, ServerBase base, AccessCheck access, boolean representation) {
    checkSize(bundle);
    return transactions.process(bundle, base, access::check, representation);
  }

  /**
   * Processes a batch: each entry on its own, through the same code as a single request.
   *
   * @param dispatch runs one entry (as an HTTP request) and returns its entry in the response
   */
  public Bundle batch(Bundle bundle, Function<BundleEntryComponent, BundleEntryComponent> dispatch) {
    checkSize(bundle);
    FullUrls.requireUnique(bundle, false);
    Bundle out = new Bundle();
    out.setType(BundleType.BATCHRESPONSE);
    for (BundleEntryComponent entry : bundle.getEntry()) {
      out.addEntry(dispatch.apply(entry));
    }
    return out;
  }

  private void checkSize(Bundle bundle) {
    if (bundle.getEntry().size() > maxEntries) {
      throw FhirException.tooLarge("The bundle has " + bundle.getEntry().size() + " entries; this server accepts at most "
          + maxEntries + " (MAX_BUNDLE_ENTRIES)");
    }
  }

  /** A history page as a FHIR history bundle with self and next links. */
  public Bundle history(HistoryPage page, String baseUrl, String selfUrl, Function<String, String> nextUrl) {
    Bundle bundle = new Bundle();
    bundle.setType(BundleType.HISTORY);
    bundle.addLink().setRelation("self").setUrl(selfUrl);
    if (page.nextPageToken() != null) {
      bundle.addLink().setRelation("next").setUrl(nextUrl.apply(page.nextPageToken()));
    }
    for (StoredVersion v : page.versions()) {
      BundleEntryComponent entry = bundle.addEntry();
      entry.setFullUrl(baseUrl + "/" + v.key().reference());
      HTTPVerb verb = switch (v.method()) {
        case "POST" -> HTTPVerb.POST;
        case "DELETE" -> HTTPVerb.DELETE;
        case "PATCH" -> HTTPVerb.PATCH;
        default -> HTTPVerb.PUT;
      };
      entry.getRequest().setMethod(verb).setUrl(verb == HTTPVerb.POST ? v.key().type() : v.key().reference());
      int status = v.deleted() ? 204 : v.versionId() == 1 || verb == HTTPVerb.POST ? 201 : 200;
      entry.getResponse().setStatus(Responses.statusLine(status))
          .setEtag("W/\"" + v.versionId() + "\"")
          .setLastModified(Date.from(v.lastUpdated()));
      if (!v.deleted() && v.json() != null) {
        resource(v, entry);
      }
    }
    return bundle;
  }

  /**
   * The entry's resource; a version that cannot be served leaves the entry without one and says
   * why in response.outcome, so one bad version never fails a whole page.
   */
  private void resource(StoredVersion v, BundleEntryComponent entry) {
    try {
      entry.setResource(StoredJson.parse(v, interactions.binaries().present(v, false)));
    } catch (FhirException e) {
      entry.getResponse().setOutcome(OperationOutcomes.outcome(IssueSeverity.ERROR, e.issueType(), e.getMessage()));
    }
  }
}
