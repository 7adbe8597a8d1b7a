package io.servelink.gateway.ratelimit;

import reactor.core.publisher.Mono;

/** Token buckets by key; one token per request. */
public interface TokenBuckets {

    Mono<Decision> take(String key, RateLimitSettings.Bucket bucket);
}
