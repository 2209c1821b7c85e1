package io.fwoa.server.search.query;

import java.util.ArrayList;
import java.util.List;

/** FHIR search value escaping: "\," "\$" "\|" and "\\" stand for the characters themselves. */
final class Escapes {

  private Escapes() {}

  /** Splits on an unescaped separator; the parts keep their escapes. */
  static List<String> split(String value, char separator) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        current.append(c).append(value.charAt(++i));
      } else if (c == separator) {
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    out.add(current.toString());
    return out;
  }

  /** Index of the first unescaped separator, or -1. */
  static int indexOf(String value, char separator) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == separator) {
        return i;
      }
    }
    return -1;
  }

  static String unescape(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        b.append(value.charAt(++i));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
