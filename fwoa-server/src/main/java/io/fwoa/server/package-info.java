/**
 * The fwoa FHIR R4 runtime: one code path from an API Gateway proxy event (Lambda) or a local
 * HTTP request (fwoa:run) to versions in DynamoDB.
 *
 * <ul>
 *   <li>{@code lambda}: the Lambda handlers and SnapStart priming; event → {@link
 *       io.fwoa.server.api.ApiRequest}.
 *   <li>{@code api}: HTTP semantics — routing, content negotiation, authentication and
 *       authorization, conditional headers, {@code Prefer}, response headers, OperationOutcomes.
 *   <li>{@code interaction}: FHIR semantics on HAPI's model (one shared FhirContext, {@code
 *       fhir.Fhir}) — create/read/update/patch/delete, history, batch and transaction with reference
 *       resolution, JSON Patch, Binary content.
 *   <li>{@code conditional}: which resources a condition names: storage for {@code _id} and
 *       {@code identifier}, search for any other parameter.
 *   <li>{@code search}: FHIR search on OpenSearch — {@code params} (HAPI's R4 definitions and the
 *       FHIRPath engine), {@code index} (search documents and the mappings generated from the
 *       definitions), {@code stream} (the DynamoDB stream indexer), {@code query} (parsing, query DSL,
 *       chains, includes, paging), {@code opensearch} (the opensearch-java client, SigV4 in the
 *       cloud).
 *   <li>{@code storage}: JSON documents and versions, no FHIR model; {@code storage.dynamo} holds
 *       the table layout and the transaction protocol.
 *   <li>{@code auth}: Cognito token verification and FWoA's group RBAC behind {@link
 *       io.fwoa.server.auth.Authorizer}, where the SMART scope authorizer plugs in.
 *   <li>{@code local}: the local stack for fwoa:run and the tests (not in the Lambda jar), with the
 *       embedded OpenSearch node and {@code LocalStreams}, the stand-in for DynamoDB Streams.
 * </ul>
 *
 * Kept off the API function's cold path: full profile validation (not in the Lambda jar), the search
 * client and the search parameter definitions (built on the first search),
 * the AWS SDK's DynamoDB client (the server uses {@link
 * io.fwoa.server.storage.dynamo.LightDynamoDbClient}), S3 clients (built on first Binary use), the
 * CapabilityStatement (built on the first /metadata).
 */
package io.fwoa.server;
