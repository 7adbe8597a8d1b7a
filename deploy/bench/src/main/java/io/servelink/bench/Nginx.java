package io.servelink.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** An nginx (Debian's package) in the foreground with a generated configuration, under a private prefix. */
final class Nginx implements AutoCloseable {

    private final Process process;

    private Nginx(Process process) {
        this.process = process;
    }

    /**
     * Serves {@code /1k} and {@code /100k} from files on {@code upstreamPort}, and proxies {@code proxyPort} to it
     * with upstream keep-alive, as a reverse proxy in front of a project would.
     */
    static Nginx start(Path prefix, int upstreamPort, int proxyPort) throws IOException, InterruptedException {
        Path html = Files.createDirectories(prefix.resolve("html"));
        Files.createDirectories(prefix.resolve("logs"));
        Files.write(html.resolve("1k"), new byte[1_000]);
        Files.write(html.resolve("100k"), new byte[100_000]);
        String conf = """
                worker_processes 1;
                daemon off;
                error_log %1$s/logs/error.log warn;
                pid %1$s/nginx.pid;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/tmp;
                  proxy_temp_path %1$s/tmp;
                  fastcgi_temp_path %1$s/tmp;
                  uwsgi_temp_path %1$s/tmp;
                  scgi_temp_path %1$s/tmp;
                  keepalive_requests 1000000;
                  server {
                    listen 127.0.0.1:%2$d;
                    root %1$s/html;
                    default_type application/octet-stream;
                    gzip off;
                  }
                  upstream project { server 127.0.0.1:%2$d; keepalive 64; }
                  server {
                    listen 127.0.0.1:%3$d;
                    location / {
                      proxy_pass http://project;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_buffering on;
                    }
                  }
                }
                """.formatted(prefix.toAbsolutePath(), upstreamPort, proxyPort);
        return launch(prefix, conf, upstreamPort, proxyPort);
    }

    /**
     * Proxies WebSocket connections on {@code proxyPort} to {@code upstreamPort} (the upgrade passed on, as nginx's
     * documentation has it), with buffers that hold a 100 KB message whole in each direction.
     */
    static Nginx startWebSocketProxy(Path prefix, int upstreamPort, int proxyPort) throws IOException, InterruptedException {
        Files.createDirectories(prefix.resolve("logs"));
        String conf = """
                worker_processes 1;
                daemon off;
                error_log %1$s/logs/error.log warn;
                pid %1$s/nginx.pid;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/tmp;
                  proxy_temp_path %1$s/tmp;
                  fastcgi_temp_path %1$s/tmp;
                  uwsgi_temp_path %1$s/tmp;
                  scgi_temp_path %1$s/tmp;
                  server {
                    listen 127.0.0.1:%3$d;
                    location / {
                      proxy_pass http://127.0.0.1:%2$d;
                      proxy_http_version 1.1;
                      proxy_set_header Upgrade $http_upgrade;
                      proxy_set_header Connection "upgrade";
                      proxy_buffer_size 256k;
                      proxy_buffers 8 256k;
                      proxy_busy_buffers_size 512k;
                      proxy_read_timeout 1h;
                      proxy_send_timeout 1h;
                    }
                  }
                }
                """.formatted(prefix.toAbsolutePath(), upstreamPort, proxyPort);
        return launch(prefix, conf, proxyPort);
    }

    /** The master process's id (its workers are its children). */
    long pid() {
        return process.pid();
    }

    /** Starts nginx with {@code conf} under {@code prefix}; ready once it listens on every one of {@code ports}. */
    private static Nginx launch(Path prefix, String conf, int... ports) throws IOException, InterruptedException {
        Files.createDirectories(prefix.resolve("tmp"));
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process process;
        try {
            process = new ProcessBuilder("nginx", "-p", prefix.toAbsolutePath().toString(), "-c", file.toAbsolutePath().toString())
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new Missing(e);
        }
        for (int port : ports) {
            awaitPort(port, process);
        }
        return new Nginx(process);
    }

    /** nginx is not installed (no {@code nginx} on the PATH). */
    static final class Missing extends IOException {

        Missing(IOException cause) {
            super("nginx is not installed (apt-get install nginx-light)", cause);
        }
    }

    private static void awaitPort(int port, Process process) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited; is Debian's nginx installed (apt-get install nginx-light)?");
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nginx does not listen on " + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
