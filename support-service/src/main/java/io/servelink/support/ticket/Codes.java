package io.servelink.support.ticket;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Lower-case JSON codes of the ticket enums ({@code in_progress} for {@code IN_PROGRESS}). */
final class Codes {

    private Codes() {
    }

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E parse(Class<E> type, String code) {
        for (E value : type.getEnumConstants()) {
            if (of(value).equals(code)) {
                return value;
            }
        }
        throw new IllegalArgumentException("must be one of " + Arrays.stream(type.getEnumConstants()).map(Codes::of)
                .collect(Collectors.joining(", ")));
    }
}
