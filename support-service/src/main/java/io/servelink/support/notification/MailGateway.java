package io.servelink.support.notification;

/** Sends one plain-text e-mail; blocking (callers run it on boundedElastic). Throws when the e-mail was not accepted. */
interface MailGateway {

    void send(String from, String to, String subject, String body);
}
