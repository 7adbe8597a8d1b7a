package io.servelink.contracts.events.entitlements;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/**
 * What happens when a team's traffic reaches its monthly limit, by plan (the catalog sets it per plan).
 * {@link #STOP}: the team's projects stop being served at 100 %. {@link #SOFT}: they stay served and the overage is
 * shown, unless the team's owner set a hard cap ({@link EntitlementsChanged#trafficHardCapPercent()}).
 */
public enum TrafficPolicy implements WireCode {
    STOP("stop"),
    SOFT("soft");

    private final String wire;

    TrafficPolicy(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<TrafficPolicy> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
