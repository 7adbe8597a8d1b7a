package io.servelink.support.ticket;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a ticket is about. */
public enum Category {
    TECHNICAL, BILLING, FEATURE_REQUEST, BUG_REPORT, OTHER;

    @JsonValue
    public String code() {
        return Codes.of(this);
    }

    @JsonCreator
    public static Category fromCode(String code) {
        return Codes.parse(Category.class, code);
    }
}
