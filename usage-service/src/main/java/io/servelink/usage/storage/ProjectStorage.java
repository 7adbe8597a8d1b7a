package io.servelink.usage.storage;

/** One project's disk use in bytes: its volumes, the images its containers run, its containers' writable layers. */
record ProjectStorage(long volumeBytes, long imageBytes, long containerBytes) {

    static final ProjectStorage NONE = new ProjectStorage(0, 0, 0);

    long totalBytes() {
        return Math.addExact(Math.addExact(volumeBytes, imageBytes), containerBytes);
    }
}
