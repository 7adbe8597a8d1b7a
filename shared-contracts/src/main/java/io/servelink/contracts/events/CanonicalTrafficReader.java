package io.servelink.contracts.events;

import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Reads a {@code TrafficRecorded} envelope written exactly as {@link EventCodec#encode} writes it — fields in record
 * order, no white space, no escaped or non-ASCII character in a string, integers without sign or leading zero —
 * byte by byte, several times faster than the token stream. Anything else (another field order, spaces, a field a
 * newer producer added, an escape, a value out of range) is not read here: {@link #read} answers null and the
 * general reader decides, so both accept and refuse the same documents.
 */
final class CanonicalTrafficReader {

    private static final String TYPE_NAME = "TrafficRecorded";
    private static final byte[] EVENT_ID = ascii("{\"eventId\":\"");
    private static final byte[] TYPE = ascii("\",\"type\":\"" + TYPE_NAME + "\",\"occurredAt\":\"");
    private static final byte[] VERSION = ascii("\",\"version\":");
    private static final byte[] PROJECT_ID = ascii(",\"payload\":{\"projectId\":\"");
    private static final byte[] WINDOW_START = ascii("\",\"windowStart\":\"");
    private static final byte[] WINDOW_END = ascii("\",\"windowEnd\":\"");
    private static final byte[] REQUEST_BYTES = ascii("\",\"requestBytes\":");
    private static final byte[] RESPONSE_BYTES = ascii(",\"responseBytes\":");
    private static final byte[] REQUESTS = ascii(",\"requests\":");
    private static final byte[] END = ascii("}}");
    private static final int MAX_DIGITS = 18; // every 18-digit number fits a long
    private static final int NOT_CANONICAL = -1;

    private final byte[] bytes;
    private final char[] chars = new char[36];
    private int position;

    private CanonicalTrafficReader(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * @return the envelope, or null when the bytes are not in the canonical form (not necessarily malformed)
     * @throws RuntimeException as the general reader would for a canonical document with an impossible value
     *                          (an instant or a UUID out of range, a negative count)
     */
    static EventEnvelope<TrafficRecorded> read(byte[] bytes) {
        return new CanonicalTrafficReader(bytes).envelope();
    }

    private EventEnvelope<TrafficRecorded> envelope() {
        if (!literal(EVENT_ID) || !ascii(36)) {
            return null;
        }
        UUID eventId = Uuids.parse(chars, 0, 36);
        if (!literal(TYPE)) {
            return null;
        }
        Instant occurredAt = instant();
        if (occurredAt == null || !literal(VERSION)) {
            return null;
        }
        long version = number();
        if (version == NOT_CANONICAL || version > Integer.MAX_VALUE || !literal(PROJECT_ID)) {
            return null;
        }
        String projectId = string();
        if (projectId == null || !literal(WINDOW_START)) {
            return null;
        }
        Instant windowStart = instant();
        if (windowStart == null || !literal(WINDOW_END)) {
            return null;
        }
        Instant windowEnd = instant();
        if (windowEnd == null || !literal(REQUEST_BYTES)) {
            return null;
        }
        long requestBytes = number();
        if (requestBytes == NOT_CANONICAL || !literal(RESPONSE_BYTES)) {
            return null;
        }
        long responseBytes = number();
        if (responseBytes == NOT_CANONICAL || !literal(REQUESTS)) {
            return null;
        }
        long requests = number();
        if (requests == NOT_CANONICAL || !literal(END) || position != bytes.length) {
            return null;
        }
        TrafficRecorded payload = new TrafficRecorded(projectId, windowStart, windowEnd, requestBytes, responseBytes, requests);
        return new EventEnvelope<>(eventId, TYPE_NAME, occurredAt, (int) version, payload);
    }

    private boolean literal(byte[] expected) {
        if (position + expected.length > bytes.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (bytes[position + i] != expected[i]) {
                return false;
            }
        }
        position += expected.length;
        return true;
    }

    /** Copies {@code length} printable ASCII characters other than quote and backslash into {@link #chars}. */
    private boolean ascii(int length) {
        if (position + length > bytes.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = bytes[position + i];
            if (b < 0x20 || b == '"' || b == '\\') { // also every byte >= 0x80 (negative)
                return false;
            }
            chars[i] = (char) b;
        }
        position += length;
        return true;
    }

    /** The plain ASCII string up to the next quote (left unread); null when it has an escape or another character. */
    private String string() {
        int start = position;
        while (position < bytes.length && bytes[position] != '"') {
            byte b = bytes[position];
            if (b < 0x20 || b == '\\') {
                return null;
            }
            position++;
        }
        return position < bytes.length ? new String(bytes, start, position - start, StandardCharsets.US_ASCII) : null;
    }

    /** An instant up to the next quote (left unread); null when the string is not plain. */
    private Instant instant() {
        int end = position;
        while (end < bytes.length && bytes[end] != '"') {
            end++;
        }
        int length = end - position;
        if (end == bytes.length || length > chars.length || !ascii(length)) {
            return null;
        }
        return IsoInstants.parse(chars, 0, length);
    }

    /** A non-negative integer without leading zero; {@link #NOT_CANONICAL} otherwise. */
    private long number() {
        int start = position;
        long value = 0;
        while (position < bytes.length && bytes[position] >= '0' && bytes[position] <= '9') {
            value = value * 10 + (bytes[position] - '0');
            position++;
        }
        int digits = position - start;
        if (digits == 0 || digits > MAX_DIGITS || digits > 1 && bytes[start] == '0') {
            return NOT_CANONICAL;
        }
        return value;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
