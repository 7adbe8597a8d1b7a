package io.servelink.gateway.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ProjectIngressFilterTest {

    @Test
    void keepsEncodedPathAndQueryOnTheUpstream() {
        assertThat(ProjectIngressFilter.upstreamUrl(URI.create("http://upstream:8000"), URI.create("http://hello.apps.localhost/a%20b/c?x=1&y=%2F")))
                .isEqualTo(URI.create("http://upstream:8000/a%20b/c?x=1&y=%2F"));
    }

    @Test
    void prefixesTheUpstreamsBasePath() {
        assertThat(ProjectIngressFilter.upstreamUrl(URI.create("https://upstream/base/"), URI.create("http://h/x")))
                .isEqualTo(URI.create("https://upstream/base/x"));
    }
}
