package io.fwoa.server.search.index;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FHIR dates as the ranges of time they stand for: "2020" is all of 2020, "2020-03-01T10:00Z" a
 * minute, "2020-03-01T10:00:00.123Z" one millisecond. Values without a time zone are taken as UTC,
 * both when indexing and when searching, so they compare consistently.
 */
public final class DateRanges {

  /** A closed range in epoch milliseconds; a null end is unbounded. */
  public record Range(Long lo, Long hi) {}

  private static final Pattern DATE_TIME = Pattern.compile(
      "(\\d{4}-\\d{2}-\\d{2})T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?(Z|[+-]\\d{2}:\\d{2})?");

  private DateRanges() {}

  /**
   * @throws IllegalArgumentException if the text is not a FHIR date, dateTime or instant
   */
  public static Range parse(String text) {
    String s = text.trim();
    try {
      if (s.matches("\\d{4}")) {
        int y = Integer.parseInt(s);
        return new Range(millis(LocalDate.of(y, 1, 1).atStartOfDay()),
            millis(LocalDate.of(y + 1, 1, 1).atStartOfDay()) - 1);
      }
      if (s.matches("\\d{4}-\\d{2}")) {
        YearMonth ym = YearMonth.parse(s);
        return new Range(millis(ym.atDay(1).atStartOfDay()), millis(ym.plusMonths(1).atDay(1).atStartOfDay()) - 1);
      }
      if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
        LocalDate d = LocalDate.parse(s);
        return new Range(millis(d.atStartOfDay()), millis(d.plusDays(1).atStartOfDay()) - 1);
      }
      Matcher m = DATE_TIME.matcher(s);
      if (m.matches()) {
        LocalDate d = LocalDate.parse(m.group(1));
        int hour = Integer.parseInt(m.group(2));
        int minute = Integer.parseInt(m.group(3));
        int second = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        String fraction = m.group(5);
        int millis = 0;
        if (fraction != null) {
          String f = (fraction + "00").substring(0, 3);
          millis = Integer.parseInt(f);
        }
        ZoneOffset zone = m.group(6) == null || m.group(6).equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(m.group(6));
        long start = OffsetDateTime.of(LocalDateTime.of(d, java.time.LocalTime.of(hour, minute, second,
            millis * 1_000_000)), zone).toInstant().toEpochMilli();
        long width = m.group(4) == null ? 60_000 : fraction == null ? 1_000 : 1;
        return new Range(start, start + width - 1);
      }
    } catch (java.time.DateTimeException | NumberFormatException e) {
      throw new IllegalArgumentException("Invalid date '" + text + "'", e);
    }
    throw new IllegalArgumentException("Invalid date '" + text + "': expected YYYY, YYYY-MM, YYYY-MM-DD or "
        + "YYYY-MM-DDThh:mm[:ss[.sss]][Z|+hh:mm]");
  }

  private static long millis(LocalDateTime t) {
    return t.toInstant(ZoneOffset.UTC).toEpochMilli();
  }
}
