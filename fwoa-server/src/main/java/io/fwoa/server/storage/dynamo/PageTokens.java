package io.fwoa.server.storage.dynamo;

import io.fwoa.server.storage.InvalidPageTokenException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * History paging positions as opaque URL-safe tokens: {@code base64url(position) "."
 * base64url(HMAC-SHA256)}. The MAC covers the position and the query it belongs to (tenant,
 * type, id, {@code _since}), so a token only continues the history it came from: an altered
 * token, or one used for another tenant, type or resource, is refused. Every field is checked
 * again after the MAC (the key could leak; DynamoDB must still get only keys of this query).
 */
final class PageTokens {

  /** The query a token belongs to. */
  record Binding(String tenant, String type, String id, String since) {}

  /** Where one shard of a history index stands. */
  record Shard(State state, String lastUpdated, String partitionKey, long vid) {
    enum State { NOT_STARTED, AT, DONE }

    static final Shard NOT_STARTED = new Shard(State.NOT_STARTED, null, null, 0);
    static final Shard DONE = new Shard(State.DONE, null, null, 0);

    static Shard at(String lastUpdated, String partitionKey, long vid) {
      return new Shard(State.AT, lastUpdated, partitionKey, vid);
    }
  }

  /**
   * A position in type or system history.
   *
   * @param upper lastUpdated of the last version shown: shards not started yet begin at or below it
   */
  record IndexPosition(String upper, List<Shard> shards) {}

  private static final int FORMAT = 1;
  private static final int MAX_TOKEN_CHARS = 16 * 1024;
  private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{0,63}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final Supplier<byte[]> key;

  PageTokens(Supplier<byte[]> key) {
    this.key = key;
  }

  // ---------------------------------------------------------------- instance history

  String encodeInstance(Binding binding, long lastVid) {
    return seal(binding, out -> {
      out.writeByte('I');
      out.writeLong(lastVid);
    });
  }

  /** The version number the next page starts below. */
  long decodeInstance(String token, Binding binding) {
    DataInputStream in = open(token, binding);
    try {
      expect(in.readByte() == 'I');
      long vid = in.readLong();
      expect(vid > 1);
      expect(in.available() == 0);
      return vid;
    } catch (IOException e) {
      throw invalid();
    }
  }

  // ---------------------------------------------------------------- type and system history

  String encodeIndex(Binding binding, IndexPosition p) {
    return seal(binding, out -> {
      out.writeByte('X');
      out.writeUTF(p.upper());
      out.writeShort(p.shards().size());
      for (Shard s : p.shards()) {
        out.writeByte(s.state().ordinal());
        if (s.state() == Shard.State.AT) {
          out.writeUTF(s.lastUpdated());
          out.writeUTF(s.partitionKey());
          out.writeLong(s.vid());
        }
      }
    });
  }

  IndexPosition decodeIndex(String token, Binding binding, int shards) {
    DataInputStream in = open(token, binding);
    try {
      expect(in.readByte() == 'X');
      String upper = in.readUTF();
      expect(INSTANT.matcher(upper).matches());
      expect(in.readUnsignedShort() == shards);
      List<Shard> out = new ArrayList<>(shards);
      for (int i = 0; i < shards; i++) {
        int state = in.readUnsignedByte();
        expect(state < Shard.State.values().length);
        if (state == Shard.State.NOT_STARTED.ordinal()) {
          out.add(Shard.NOT_STARTED);
        } else if (state == Shard.State.DONE.ordinal()) {
          out.add(Shard.DONE);
        } else {
          String lastUpdated = in.readUTF();
          String partitionKey = in.readUTF();
          long vid = in.readLong();
          expect(INSTANT.matcher(lastUpdated).matches());
          expect(binding.since() == null || lastUpdated.compareTo(binding.since()) >= 0);
          expect(belongs(partitionKey, binding));
          expect(vid >= 1);
          out.add(Shard.at(lastUpdated, partitionKey, vid));
        }
      }
      expect(in.available() == 0);
      return new IndexPosition(upper, out);
    } catch (IOException e) {
      throw invalid();
    }
  }

  /** A version key of the query's tenant (and type): "[tenant|]Type/id". */
  private static boolean belongs(String partitionKey, Binding b) {
    String prefix = Items.tenantPrefix(b.tenant());
    if (!partitionKey.startsWith(prefix)) {
      return false;
    }
    String rest = partitionKey.substring(prefix.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String type = rest.substring(0, slash);
    return (b.type() == null ? TYPE.matcher(type).matches() : type.equals(b.type()))
        && ID.matcher(rest.substring(slash + 1)).matches();
  }

  // ---------------------------------------------------------------- sealing

  @FunctionalInterface
  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private String seal(Binding binding, Writer position) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      position.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] payload = bytes.toByteArray();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(payload) + "." + b64.encodeToString(mac(binding, payload));
  }

  /** The position bytes after the format byte, once the MAC and the format are checked. */
  private DataInputStream open(String token, Binding binding) {
    if (token == null || token.length() > MAX_TOKEN_CHARS) {
      throw invalid();
    }
    int dot = token.indexOf('.');
    byte[] payload;
    byte[] mac;
    try {
      payload = Base64.getUrlDecoder().decode(token.substring(0, Math.max(dot, 0)));
      mac = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (dot < 1 || payload.length < 2 || !MessageDigest.isEqual(mac, mac(binding, payload))
        || payload[0] != FORMAT) {
      throw invalid();
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    try {
      in.readByte();
    } catch (IOException e) {
      throw invalid();
    }
    return in;
  }

  private byte[] mac(Binding binding, byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.get(), "HmacSHA256"));
      ByteArrayOutputStream bound = new ByteArrayOutputStream(64 + payload.length);
      try (DataOutputStream out = new DataOutputStream(bound)) {
        out.writeUTF("fwoa-history-page");
        for (String field : new String[] {binding.tenant(), binding.type(), binding.id(), binding.since()}) {
          out.writeBoolean(field != null);
          out.writeUTF(field == null ? "" : field);
        }
        out.write(payload);
      }
      return mac.doFinal(bound.toByteArray());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void expect(boolean condition) {
    if (!condition) {
      throw invalid();
    }
  }

  private static InvalidPageTokenException invalid() {
    return new InvalidPageTokenException("Invalid _page token: it was not issued for this history query or was "
        + "altered; use the links of the history Bundle");
  }
}
