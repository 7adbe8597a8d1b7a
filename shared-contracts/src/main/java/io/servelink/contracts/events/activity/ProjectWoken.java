package io.servelink.contracts.events.activity;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import io.servelink.contracts.events.Event;
import java.time.Instant;
import java.util.Optional;

/**
 * A sleeping project is active again: the deployer starts its instances. Published once per wake, whatever the number of
 * visitors or gateway replicas that asked.
 *
 * @param by who woke it
 */
@Event.Version(1)
public record ProjectWoken(String projectId, String teamSlug, Instant wokenAt, WokenBy by) implements ProjectActivityEvent {

    /** Who woke a project. */
    public enum WokenBy implements WireCode {
        VISITOR("visitor"),
        OWNER("owner"),
        PLAN("plan");

        private final String wire;

        WokenBy(String wire) {
            this.wire = wire;
        }

        @JsonValue
        @Override
        public String wire() {
            return wire;
        }

        public static Optional<WokenBy> fromWire(String wire) {
            return WireCode.fromWire(values(), wire);
        }
    }
}
