package io.servelink.usage.api;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A byte count with its decimal renderings: 1 MB = 10^6 bytes, 1 GB = 10^9 bytes (the unit of every limit).
 * MB carry 3 decimals, GB 6; {@code bytes} is exact.
 */
record DataSize(long bytes, BigDecimal mb, BigDecimal gb) {

    private static final BigDecimal MB = BigDecimal.valueOf(1_000_000L);
    private static final BigDecimal GB = BigDecimal.valueOf(1_000_000_000L);

    static DataSize of(long bytes) {
        BigDecimal exact = BigDecimal.valueOf(bytes);
        return new DataSize(bytes, exact.divide(MB, 3, RoundingMode.HALF_UP), exact.divide(GB, 6, RoundingMode.HALF_UP));
    }
}
