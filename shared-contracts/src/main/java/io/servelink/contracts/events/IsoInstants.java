package io.servelink.contracts.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the instants the codec writes ({@code 2026-11-24T10:00:05Z}, {@code 2026-11-24T10:00:05.012Z}) without a
 * {@code DateTimeFormatter}, which costs more than the rest of a traffic event's decoding. Anything else goes to
 * {@link Instant#parse}, so every ISO-8601 instant it accepts (offsets included) is still read.
 */
final class IsoInstants {

    private static final int SECONDS_PER_DAY = 86_400;

    private IsoInstants() {
    }

    /** @throws DateTimeException when {@code text} is not an ISO-8601 instant */
    static Instant parse(String text) {
        int length = text.length();
        if (length >= 20 && length <= 30 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(length - 1) == 'Z') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int nanos = fraction(text, 19, length - 1);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59
                    && second <= 59 && nanos >= 0) {
                long epochDay = LocalDate.of(year, month, day).toEpochDay(); // throws for February 30 as parse() would
                return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second, nanos);
            }
        }
        // leap seconds, offsets, unusual forms: the JDK decides
        return Instant.parse(text);
    }

    /** The non-negative number in {@code [from, to)}, or -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Nanoseconds of an optional {@code .d{1,9}} in {@code [from, to)}; 0 when empty, -1 when malformed. */
    private static int fraction(String text, int from, int to) {
        if (from == to) {
            return 0;
        }
        int count = to - from - 1;
        if (text.charAt(from) != '.' || count < 1 || count > 9) {
            return -1;
        }
        int value = digits(text, from + 1, to);
        if (value < 0) {
            return -1;
        }
        for (int i = count; i < 9; i++) {
            value *= 10;
        }
        return value;
    }
}
