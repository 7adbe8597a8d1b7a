package io.servelink.contracts.events;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A payload that can travel in an {@link EventEnvelope}. Its simple class name is the envelope's {@code type}. */
public interface Event {

    /** The payload schema version; bump it with a new record when a field changes meaning. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Version {
        int value();
    }

    static int versionOf(Class<?> payloadType) {
        Version version = payloadType.getAnnotation(Version.class);
        return version == null ? 1 : version.value();
    }
}
