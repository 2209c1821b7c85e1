package io.fwoa.server.probe;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.fwoa.server.local.LocalFhirServer;
import io.fwoa.server.support.Clients;
import io.fwoa.server.support.Http;
import io.fwoa.server.support.LocalStack;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStack.class)
class ProbeTest {
  @Test
  void probe(LocalFhirServer server) {
    IGenericClient client = Clients.practitioner(server);
    String id = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    var dynamo = io.fwoa.server.config.ServerFactory.dynamo(server.config());
    var store = new io.fwoa.server.storage.dynamo.DynamoResourceStore(dynamo, LocalFhirServer.TABLE, null);
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        store.current(new io.fwoa.server.storage.ResourceKey(null, "Patient", id));
      }
      System.out.println("PROBE store current avg ms " + (System.nanoTime() - t0) / 100 / 1e6);
      t0 = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        dynamo.getItem(b -> b.tableName(LocalFhirServer.TABLE).key(java.util.Map.of("id",
            software.amazon.awssdk.services.dynamodb.model.AttributeValue.builder().s("Patient/" + id).build(), "vid",
            software.amazon.awssdk.services.dynamodb.model.AttributeValue.builder().n("1").build())));
      }
      System.out.println("PROBE getItem avg ms " + (System.nanoTime() - t0) / 100 / 1e6);
      long t = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        client.read().resource(Patient.class).withId(id).execute();
      }
      System.out.println("PROBE hapi read avg ms " + (System.nanoTime() - t) / 100 / 1e6);
      String token = server.token("practitioner");
      t = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        Http.send("GET", server.baseUrl() + "/Patient/" + id, token, null, null);
      }
      System.out.println("PROBE jdk read avg ms " + (System.nanoTime() - t) / 100 / 1e6);
      t = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        Http.send("GET", server.baseUrl() + "/metadata", null, null, null);
      }
      System.out.println("PROBE metadata avg ms " + (System.nanoTime() - t) / 100 / 1e6);
    }
  }
}
