package io.servelink.usage.traffic;

import io.servelink.contracts.events.traffic.TrafficRecorded;

/** Bytes and requests added up over several traffic events. */
record TrafficTotals(long requestBytes, long responseBytes, long requests) {

    static final TrafficTotals ZERO = new TrafficTotals(0, 0, 0);

    TrafficTotals plus(TrafficRecorded event) {
        return new TrafficTotals(Math.addExact(requestBytes, event.requestBytes()),
                Math.addExact(responseBytes, event.responseBytes()), Math.addExact(requests, event.requests()));
    }

    long trafficBytes() {
        return requestBytes + responseBytes;
    }
}
