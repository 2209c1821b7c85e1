package io.fwoa.server.search.params;

import java.util.Locale;

/** The R4 search parameter types. */
public enum ParamType {
  NUMBER, DATE, STRING, TOKEN, REFERENCE, COMPOSITE, QUANTITY, URI, SPECIAL;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
