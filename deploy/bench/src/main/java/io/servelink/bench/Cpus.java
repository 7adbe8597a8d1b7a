package io.servelink.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** CPU affinity of benchmark processes (Linux {@code taskset}). */
final class Cpus {

    private Cpus() {
    }

    /** Pins every thread of process {@code pid} and of its descendants to the CPUs in {@code cpuList} ("0", "1-3"). */
    static void pin(long pid, String cpuList) throws IOException, InterruptedException {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(process -> process.descendants().forEach(child -> pids.add(child.pid())));
        for (long each : pids) {
            Process taskset = new ProcessBuilder("taskset", "--all-tasks", "--pid", "--cpu-list", cpuList, Long.toString(each))
                    .redirectErrorStream(true).start();
            String output = new String(taskset.getInputStream().readAllBytes());
            if (taskset.waitFor() != 0) {
                throw new IllegalStateException("taskset could not pin " + each + " to CPU " + cpuList + ": " + output);
            }
        }
        Benchmarks.say("pinned process " + pid + " (and " + (pids.size() - 1) + " descendants) to CPU " + cpuList);
    }
}
