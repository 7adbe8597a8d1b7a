package io.servelink.support.ticket;

import com.fasterxml.jackson.annotation.JsonValue;

/** Who wrote a message: the team's customer, a support agent, or the help assistant (automatic). */
public enum AuthorKind {
    CUSTOMER, AGENT, ASSISTANT;

    @JsonValue
    public String code() {
        return Codes.of(this);
    }

    static AuthorKind fromCode(String code) {
        return Codes.parse(AuthorKind.class, code);
    }
}
