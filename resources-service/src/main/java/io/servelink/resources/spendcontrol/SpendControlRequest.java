package io.servelink.resources.spendcontrol;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * {@code PUT /spend-control}: the whole setting. The field is read as any JSON value and checked by the service, so
 * that {@code 150.5} or {@code "150"} is refused rather than rounded or converted.
 *
 * @param trafficHardCapPercent whole percent of the traffic limit, 100..1000, at which the team's projects stop being
 *                              served; null (or absent) removes the cap
 */
record SpendControlRequest(
        @Schema(types = {"integer", "null"}, minimum = "100", maximum = "1000", example = "150",
                description = "Whole percent of the monthly traffic limit at which the team's projects stop being served "
                        + "(100..1000); null removes the cap") Object trafficHardCapPercent) {

    static final int MIN_PERCENT = 100;
    static final int MAX_PERCENT = 1000;
}
