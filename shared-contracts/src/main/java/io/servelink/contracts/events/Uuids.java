package io.servelink.contracts.events;

import java.util.UUID;

/** Reads a UUID in its canonical 36-character form straight from the parser's characters; anything else goes to the JDK. */
final class Uuids {

    private Uuids() {
    }

    /** @throws IllegalArgumentException when the characters are not a UUID */
    static UUID parse(char[] chars, int offset, int length) {
        if (length == 36) {
            long most = 0;
            long least = 0;
            int i = 0;
            for (; i < 36; i++) {
                char c = chars[offset + i];
                if (i == 8 || i == 13 || i == 18 || i == 23) {
                    if (c != '-') {
                        break;
                    }
                    continue;
                }
                int digit = hex(c);
                if (digit < 0) {
                    break;
                }
                if (i < 19) {
                    most = most << 4 | digit;
                } else {
                    least = least << 4 | digit;
                }
            }
            if (i == 36) {
                return new UUID(most, least);
            }
        }
        return UUID.fromString(new String(chars, offset, length));
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
