package io.servelink.contracts.events.projects;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** Whether the gateway serves a project: a suspended project answers 503 at its hosts and is not metered. */
public enum ProjectStatus implements WireCode {
    ACTIVE("ACTIVE"),
    SUSPENDED("SUSPENDED");

    private final String wire;

    ProjectStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<ProjectStatus> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
