package qshcheck.measure;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import qshcheck.recipe.Json;

/**
 * What the container launchers share: a bound on start-up, the ready line on stdout, and the
 * exit when stdin closes, so that a launcher never outlives the process that started it.
 */
final class Launcher {
    /** A container that has not started within this time has failed. */
    static final long STARTUP_LIMIT_MILLIS = 60_000;

    private static Thread startupLimit;

    private Launcher() {}

    /**
     * Exits (status 3) if {@code ready} has not been called within {@link #STARTUP_LIMIT_MILLIS},
     * and (status 0) as soon as stdin reaches its end or fails. Halt rather than exit: a
     * container's shutdown hooks could wait on its threads, and nothing needs to be saved.
     */
    static void watch() {
        Thread startup = new Thread(() -> {
            try {
                Thread.sleep(STARTUP_LIMIT_MILLIS);
            } catch (InterruptedException e) {
                return; // ready() interrupts this thread
            }
            System.err.println("launcher: the containers did not start in time");
            Runtime.getRuntime().halt(3);
        }, "startup-limit");
        startup.setDaemon(true);
        startup.start();
        startupLimit = startup;

        Thread stdin = new Thread(() -> {
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            try {
                while (in.read(buffer) >= 0) {
                    // Input is ignored; only its end matters.
                }
            } catch (IOException e) {
                // A broken stdin means the driver is gone, the same as its end.
            }
            Runtime.getRuntime().halt(0);
        }, "stdin-watch");
        stdin.setDaemon(true);
        stdin.start();
    }

    /** Reports a container that failed to start and exits at once (status 1). */
    static void fail(Exception e) {
        System.err.println("launcher: a container failed to start:");
        e.printStackTrace();
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    /** Prints the ready line: the server's name and version, the Java runtime, the ports. */
    static void ready(String server, String version, List<Integer> ports) {
        StringBuilder line = new StringBuilder("{\"server\":").append(Json.write(server))
                .append(",\"version\":").append(Json.write(version))
                .append(",\"java\":")
                .append(Json.write(System.getProperty("java.runtime.version")))
                .append(",\"ports\":[");
        for (int i = 0; i < ports.size(); i++) {
            line.append(i > 0 ? "," : "").append(ports.get(i));
        }
        System.out.println(line.append("]}"));
        System.out.flush();
        startupLimit.interrupt();
    }
}
