/**
 * Resource storage on DynamoDB, with all-or-nothing multi-resource transactions built only from
 * single-item conditional writes (no TransactWriteItems: it caps at 100 items, and dynalite, the
 * local emulator, lacks it).
 *
 * <h2>Table layout</h2>
 *
 * One table, partition key {@code id} (S), sort key {@code vid} (N); see {@link
 * io.fwoa.server.storage.dynamo.TableSchema}.
 *
 * <ul>
 *   <li><b>Resource versions</b>: {@code id} = {@code [tenant|]Type/logicalId}, {@code vid} = 1, 2,
 *       ... Every version is kept. Attributes: the document (absent on a delete tombstone) as
 *       {@code resource} (FHIR JSON up to 1 KB), {@code resourceGz} (larger, gzipped, up to 300 KB
 *       compressed) or {@code resourceRef} (an object in the binary bucket), {@code documentStatus} (AVAILABLE, DELETED or PENDING), {@code lastUpdated}
 *       (fixed-width ISO-8601), {@code method}, {@code resourceType}, {@code logicalId}, optional
 *       {@code tenant} and {@code contentKey} (Binary data in S3). Committed versions also carry the
 *       keys of two sparse, keys-only GSIs: {@code type-history} ({@code typeHistory} =
 *       [tenant|]Type) and {@code system-history} ({@code systemHistory} = tenant or "-"), both
 *       sorted by {@code lastUpdated}: type and system history are index queries, never scans.
 *       Each key is sharded 8 ways ({@code TableSchema.HISTORY_SHARDS}) by a hash of the logical
 *       id, so no index partition takes every write of a type or tenant: shard 0 is the plain
 *       key (as tables written before sharding have it), shard k the key + "#k". Readers query
 *       every shard and merge them newest first; the page token holds each shard's position.
 *   <li><b>Transaction records</b>: {@code id} = {@code _tx} for shard 0, {@code _tx#k} for
 *       shard k of 8 ({@code TableSchema.TX_SHARDS}; k = transaction number mod 8), {@code vid} =
 *       a random 63-bit transaction number; {@code txStatus} (STAGING, COMMITTED, ROLLED_BACK),
 *       {@code expiresAt} (lease end, epoch ms) and {@code items} (every version key the
 *       transaction writes). Readers find a record from the transaction number a staged item
 *       carries, falling back to {@code _tx}, where tables written before sharding keep all.
 *   <li><b>Identifier index</b> (for conditional operations until search exists): {@code id} =
 *       {@code [tenant|]_ident|Type|value}, {@code vid} = hash of the logical id, {@code logicalId}.
 *       Written before the version it describes, never removed: entries may be stale but are never
 *       missing, and readers re-check the current version.
 *   <li><b>Page token key</b>: {@code id} = {@code _keys}, {@code vid} = 1, {@code secret} (32
 *       random bytes): the HMAC-SHA256 key of history page tokens, created once by the first
 *       process that needs it (conditional put) and read once per process. A token carries the
 *       paging position and a MAC over it and the query (tenant, type, id, {@code _since}); any
 *       other token is refused with a 400 naming {@code _page}.
 * </ul>
 *
 * <h2>For stream consumers (the search indexer)</h2>
 *
 * The table's stream carries every kind of item above. A resource version is an item whose
 * {@code documentStatus} is AVAILABLE or DELETED (a PENDING item becomes one when published, which
 * is a MODIFY of the same key); transaction records ({@code id} = {@code _tx} or {@code _tx#k}), identifier index
 * entries ({@code id} containing {@code _ident|}) and the page token key ({@code id} = {@code
 * _keys}) are not resources. Documents over 1 KB are in
 * {@code resourceGz} (gzip) or behind {@code resourceRef} (an object in the binary bucket).
 *
 * <h2>Single writes</h2>
 *
 * A new version {@code n+1} is a PutItem with {@code attribute_not_exists(id)}. The version slot is
 * the lock: of two writers that read version n, exactly one claims n+1; the other gets a conflict
 * (If-Match → 412, otherwise the FHIR layer re-reads and retries). No lost update is possible.
 *
 * <h2>Transactions: record, stage, commit, publish</h2>
 *
 * <ol>
 *   <li><b>Record.</b> Put the transaction record: STAGING, lease end, the list of version keys.
 *   <li><b>Stage (lock).</b> Put every new version as a PENDING item tagged with the transaction
 *       number, claiming its slot with {@code attribute_not_exists} (versions of server-generated
 *       ids cannot collide and go in 25-item batches). A PENDING item is invisible to readers and
 *       blocks other writers of that resource (their claim of the slot fails). If any claim fails,
 *       the transaction is rolled back and the caller gets a conflict; slots held by dead or
 *       rolled-back transactions are then repaired (see Recovery) so the caller's retry can succeed.
 *   <li><b>Commit.</b> One conditional update of the record: STAGING → COMMITTED, only while the
 *       lease has not expired. This single-item write is the atomic commit point: from here on
 *       readers treat the PENDING items as committed (they look up the record).
 *   <li><b>Publish.</b> Overwrite each PENDING item with its committed form (adding the history
 *       index keys), then delete the record.
 * </ol>
 *
 * <h2>Recovery</h2>
 *
 * A writer can die at any point. Readers never write: a PENDING item is visible exactly when its
 * record says COMMITTED (or, the record being gone, when a re-read shows it published). Writers
 * that find a slot held by a PENDING item whose transaction was rolled back or whose lease expired
 * while STAGING roll that transaction back (record → ROLLED_BACK by conditional update, then
 * delete its PENDING items, conditioned on the transaction number, then the record). Besides,
 * each process sweeps every record shard when it starts and then at most once per lease, at the
 * start of a transaction: expired COMMITTED records are published, expired STAGING ones rolled
 * back. Because commit and rollback are both conditional updates
 * from STAGING, exactly one of them wins, even when clocks disagree; a writer whose lease ran out
 * before its commit gets a conflict and leaves nothing behind.
 *
 * <h2>Reads</h2>
 *
 * Every single-item read is a consistent Query on both key attributes, the same path as the read
 * of a resource's newest versions, so all reads agree (dynalite's GetItem was seen to answer with
 * an item's staged copy where a Query answered with its published one). History pages fetch the
 * items behind index entries with BatchGetItem, which is eventually consistent: an item that comes
 * back staged or not at all is read again consistently and shown only if its transaction
 * committed.
 *
 * <h2>Threads</h2>
 *
 * Independent calls of one step (the staging puts, 25-item batches, undoing or publishing the
 * items of one transaction) run in parallel on the store's small fixed pool ({@code Fanout}). No
 * task on that pool waits on work queued to it: staging tasks only report which slots were
 * taken, and repairing them (which may roll back another transaction, itself a fan-out) happens
 * on the caller's thread once the parallel step has ended; and a fan-out started from a pool
 * thread runs inline on it. However many requests run at once, the pool cannot deadlock.
 */
package io.fwoa.server.storage.dynamo;
