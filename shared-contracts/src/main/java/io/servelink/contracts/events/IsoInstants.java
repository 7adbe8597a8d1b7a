package io.servelink.contracts.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the instants the codec writes ({@code 2026-11-24T10:00:05Z}, {@code 2026-11-24T10:00:05.012Z}) straight from
 * the parser's characters, without a {@code DateTimeFormatter} (which costs more than the rest of a traffic event's
 * decoding) nor a String. Anything else goes to {@link Instant#parse}, so every ISO-8601 instant it accepts
 * (offsets included) is still read, and everything it refuses is still refused.
 */
final class IsoInstants {

    private static final int SECONDS_PER_DAY = 86_400;

    private IsoInstants() {
    }

    /** @throws DateTimeException when {@code text} is not an ISO-8601 instant */
    static Instant parse(String text) {
        return parse(text.toCharArray(), 0, text.length());
    }

    /** @throws DateTimeException when {@code chars[offset, offset + length)} is not an ISO-8601 instant */
    static Instant parse(char[] chars, int offset, int length) {
        int end = offset + length;
        if (length >= 20 && length <= 30 && chars[offset + 4] == '-' && chars[offset + 7] == '-' && chars[offset + 10] == 'T'
                && chars[offset + 13] == ':' && chars[offset + 16] == ':' && chars[end - 1] == 'Z') {
            int year = digits(chars, offset, offset + 4);
            int month = digits(chars, offset + 5, offset + 7);
            int day = digits(chars, offset + 8, offset + 10);
            int hour = digits(chars, offset + 11, offset + 13);
            int minute = digits(chars, offset + 14, offset + 16);
            int second = digits(chars, offset + 17, offset + 19);
            int nanos = fraction(chars, offset + 19, end - 1);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59
                    && second <= 59 && nanos >= 0) {
                long epochDay = LocalDate.of(year, month, day).toEpochDay(); // throws for February 30 as parse() would
                return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second, nanos);
            }
        }
        // leap seconds, offsets, unusual forms: the JDK decides
        return Instant.parse(new String(chars, offset, length));
    }

    /** The non-negative number in {@code [from, to)}, or -1 when a character is not a digit. */
    private static int digits(char[] chars, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = chars[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Nanoseconds of an optional {@code .d{1,9}} in {@code [from, to)}; 0 when empty, -1 when malformed. */
    private static int fraction(char[] chars, int from, int to) {
        if (from == to) {
            return 0;
        }
        int count = to - from - 1;
        if (chars[from] != '.' || count < 1 || count > 9) {
            return -1;
        }
        int value = digits(chars, from + 1, to);
        if (value < 0) {
            return -1;
        }
        for (int i = count; i < 9; i++) {
            value *= 10;
        }
        return value;
    }
}
