package io.fwoa.server.search.query;

/** The comparison prefixes of number, date and quantity values. */
enum Prefix {
  EQ, NE, GT, LT, GE, LE, SA, EB, AP;

  /** The prefix of a value and the rest of it. */
  record Split(Prefix prefix, String value) {}

  static Split split(String value) {
    if (value.length() > 2 && Character.isLetter(value.charAt(0)) && Character.isLetter(value.charAt(1))) {
      String p = value.substring(0, 2);
      for (Prefix x : values()) {
        if (x.name().equalsIgnoreCase(p)) {
          return new Split(x, value.substring(2));
        }
      }
    }
    return new Split(EQ, value);
  }
}
