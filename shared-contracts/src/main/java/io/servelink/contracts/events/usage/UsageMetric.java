package io.servelink.contracts.events.usage;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** What usage-service meters against limits. */
public enum UsageMetric implements WireCode {
    TRAFFIC("TRAFFIC"),
    STORAGE("STORAGE");

    private final String wire;

    UsageMetric(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<UsageMetric> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
