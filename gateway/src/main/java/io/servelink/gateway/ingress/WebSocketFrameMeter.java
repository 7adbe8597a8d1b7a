package io.servelink.gateway.ingress;

import io.netty.buffer.ByteBuf;

/**
 * Reads one direction of a relayed WebSocket connection's byte stream (RFC 6455 section 5.2) without changing it:
 * it follows the frame headers across the chunks the stream arrives in and answers, per chunk, how many payload
 * bytes crossed in it. Header bytes (opcode, length, masking key) are not payload. It also watches the size of
 * each message (a frame, or a data frame and its continuations) and of each control frame: one above the maximum is
 * found from its frame's header, before any of its payload crosses, and the stream is then over for the meter.
 */
final class WebSocketFrameMeter {

    private static final int MAX_HEADER = 14;

    private final long maxMessagePayload;
    private final byte[] header = new byte[MAX_HEADER];
    private int headerRead;
    private long payloadLeft;
    private long messagePayload;
    private boolean tooBig;
    private int tooBigAt;

    WebSocketFrameMeter(long maxMessagePayload) {
        this.maxMessagePayload = maxMessagePayload;
    }

    /**
     * The payload bytes in {@code chunk}, read from its reader index (which stays where it is); when a message is
     * too big, those before its frame's header, and {@link #tooBig()} is true from then on.
     */
    long payloadIn(ByteBuf chunk) {
        if (tooBig) {
            return 0;
        }
        long payload = 0;
        int start = chunk.readerIndex();
        int index = start;
        int end = chunk.writerIndex();
        while (index < end) {
            if (payloadLeft > 0) {
                int take = (int) Math.min(payloadLeft, end - index);
                payload += take;
                payloadLeft -= take;
                index += take;
                continue;
            }
            header[headerRead++] = chunk.getByte(index++);
            if (headerRead < 2 || headerRead < headerLength()) {
                continue;
            }
            int headerStart = index - headerRead - start;
            if (!startFrame()) {
                tooBig = true;
                tooBigAt = headerStart;
                return payload;
            }
        }
        return payload;
    }

    /** Whether a message above the maximum came. */
    boolean tooBig() {
        return tooBig;
    }

    /**
     * Where the too-big message's frame header starts in the chunk that revealed it, from the chunk's reader index:
     * negative when the header began in an earlier chunk.
     */
    int tooBigAt() {
        return tooBigAt;
    }

    /** Whether the bytes read so far end with a whole frame (nothing of a frame is pending). */
    boolean atFrameBoundary() {
        return headerRead == 0 && payloadLeft == 0;
    }

    /** The whole header's length, known once its first two bytes are. */
    private int headerLength() {
        int length7 = header[1] & 0x7F;
        int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        int mask = (header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + extended + mask;
    }

    /** Takes the frame whose header is complete; false when it or its message is too big. */
    private boolean startFrame() {
        long length = payloadLength();
        boolean fin = (header[0] & 0x80) != 0;
        int opcode = header[0] & 0x0F;
        headerRead = 0;
        if (length < 0 || length > maxMessagePayload) {
            return false;
        }
        payloadLeft = length;
        boolean control = (opcode & 0x08) != 0;
        if (control) {
            return true;
        }
        messagePayload = opcode == 0 ? messagePayload + length : length;
        boolean withinLimit = messagePayload <= maxMessagePayload;
        if (fin) {
            messagePayload = 0;
        }
        return withinLimit;
    }

    private long payloadLength() {
        int length7 = header[1] & 0x7F;
        if (length7 < 126) {
            return length7;
        }
        int bytes = length7 == 126 ? 2 : 8;
        long length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (header[2 + i] & 0xFF);
        }
        return length;
    }
}
