package io.fwoa.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.fwoa.server.conditional.StorageConditionalResolver;
import io.fwoa.server.config.ServerFactory;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.storage.HistoryPage;
import io.fwoa.server.storage.HistoryQuery;
import io.fwoa.server.storage.ResourceKey;
import io.fwoa.server.storage.ResourceStore;
import io.fwoa.server.storage.StoredVersion;
import io.fwoa.server.storage.VersionConflictException;
import io.fwoa.server.storage.VersionWrite;
import io.fwoa.server.storage.dynamo.DynamoResourceStore;
import io.fwoa.server.storage.dynamo.TableSchema;
import io.fwoa.server.support.LocalStack;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * ENFORCE_REFERENTIAL_INTEGRITY reads each distinct target once per request, however often it is
 * referred to (storage: dynalite, with every read counted).
 */
@ExtendWith(LocalStack.class)
class ReferentialIntegrityReadsTest {

  private static final ServerBase CALLER = new ServerBase("https://api.example.org/dev", null);

  private DynamoDbClient dynamo;
  private String table;
  private DynamoResourceStore store;
  private CountingStore counting;
  private Interactions interactions;

  @BeforeEach
  void setUp(LocalFhirServer server) {
    dynamo = ServerFactory.dynamo(server.config());
    table = "integrity-" + UUID.randomUUID();
    TableSchema.createIfMissing(dynamo, table);
    store = new DynamoResourceStore(dynamo, table, null);
    counting = new CountingStore(store);
    interactions = new Interactions(counting, new StorageConditionalResolver(counting), null, Clock.systemUTC(), true);
  }

  @AfterEach
  void tearDown() {
    store.close();
    dynamo.deleteTable(b -> b.tableName(table));
    dynamo.close();
  }

  @Test
  void eachDistinctTargetIsReadOncePerRequest() {
    String p1 = interactions.create(CALLER, "Patient", new Patient().setActive(true), null).version().key().id();
    String p2 = interactions.create(CALLER, "Patient", new Patient().setActive(true), null).version().key().id();
    Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
    for (int i = 0; i < 30; i++) {
      tx.addEntry().setResource(observation(p1, p2)).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    }

    counting.patientReads.clear();
    new Bundles(interactions, 1000).transaction(tx, CALLER, (interaction, type) -> { }, false);
    assertThat(counting.patientReads).isEqualTo(new TreeMap<>(Map.of(p1, 1, p2, 1)));

    counting.patientReads.clear();
    interactions.create(CALLER, "Observation", observation(p1, p2), null);
    assertThat(counting.patientReads).isEqualTo(new TreeMap<>(Map.of(p1, 1, p2, 1)));
  }

  /** Three references to p1 (one absolute) and one to p2. */
  private static Observation observation(String p1, String p2) {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().setText("x");
    o.setSubject(new Reference("Patient/" + p1));
    o.addPerformer(new Reference("Patient/" + p2));
    o.addPerformer(new Reference("https://api.example.org/dev/Patient/" + p1));
    o.addPerformer(new Reference("Patient/" + p1 + "/_history/1"));
    return o;
  }

  /** Counts the current-version reads of Patients. */
  private static final class CountingStore implements ResourceStore {
    final Map<String, Integer> patientReads = new TreeMap<>();
    private final ResourceStore delegate;

    CountingStore(ResourceStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public synchronized Optional<StoredVersion> current(ResourceKey key) {
      if (key.type().equals("Patient")) {
        patientReads.merge(key.id(), 1, Integer::sum);
      }
      return delegate.current(key);
    }

    @Override
    public Optional<StoredVersion> version(ResourceKey key, long versionId) {
      return delegate.version(key, versionId);
    }

    @Override
    public void write(VersionWrite write) throws VersionConflictException {
      delegate.write(write);
    }

    @Override
    public void writeAll(List<VersionWrite> writes) throws VersionConflictException {
      delegate.writeAll(writes);
    }

    @Override
    public HistoryPage history(HistoryQuery query) {
      return delegate.history(query);
    }

    @Override
    public Set<String> idsWithIdentifierValue(String tenant, String type, String value) {
      return delegate.idsWithIdentifierValue(tenant, type, value);
    }

    @Override
    public int recoverAbandonedTransactions() {
      return delegate.recoverAbandonedTransactions();
    }
  }
}
