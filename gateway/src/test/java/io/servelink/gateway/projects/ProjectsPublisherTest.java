package io.servelink.gateway.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.projects.ProjectStatus;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.KafkaClients;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class ProjectsPublisherTest {

    @Test
    void answersServiceUnavailableWithRetryAfterWhenKafkaDoesNotAcknowledgeInTime() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        KafkaClients kafka = KafkaClients.of("127.0.0.1:" + closedPort, new KafkaSettings("", "test", Duration.ofSeconds(2), false, 1));
        ProjectsSettings settings = new ProjectsSettings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(7));
        ProjectsPublisher publisher = new ProjectsPublisher(kafka, new TopicNames(""), new EventCodec(), settings, Clock.systemUTC());
        Project project = new Project("hello", "demo", List.of("hello.apps.localhost"), URI.create("http://upstream"), ProjectStatus.ACTIVE);
        try {
            ApiProblem problem = catchThrowableOfType(ApiProblem.class, () -> publisher.publish(project).block(Duration.ofSeconds(10)));

            assertThat(problem.getStatusCode().value()).isEqualTo(503);
            assertThat(problem.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
        } finally {
            publisher.destroy();
        }
    }
}
