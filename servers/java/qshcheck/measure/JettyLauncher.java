package qshcheck.measure;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.Jetty;

/**
 * Embedded Jetty with its stock settings, one server per context path given, each on an
 * ephemeral port of 127.0.0.1; as {@link TomcatLauncher}, a server for a non-root context also
 * has a root context.
 *
 * <p>Usage: {@code JettyLauncher CONTEXT...} (decoded context paths, {@code ""} for the root).
 * Prints one JSON line with the ports, in the order of the contexts, and exits when stdin closes.
 */
public final class JettyLauncher {
    private JettyLauncher() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: JettyLauncher CONTEXT...");
            System.exit(2);
        }
        Launcher.watch();
        // Jetty's own logger, warnings only (it logs every start at INFO).
        System.setProperty("org.eclipse.jetty.util.log.class",
                "org.eclipse.jetty.util.log.StdErrLog");
        System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        List<Integer> ports = new ArrayList<>();
        try {
            for (String contextPath : args) {
                ports.add(start(contextPath));
            }
        } catch (Exception e) {
            Launcher.fail(e);
        }
        Launcher.ready("Jetty/" + Jetty.VERSION, Jetty.VERSION, ports);
    }

    private static int start(String contextPath) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.addHandler(context("/"));
        if (!contextPath.isEmpty()) {
            contexts.addHandler(context(contextPath));
        }
        server.setHandler(contexts);
        server.start();
        return connector.getLocalPort();
    }

    private static ServletContextHandler context(String path) {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath(path);
        context.addServlet(new ServletHolder(new CanonicalServlet()), "/*");
        return context;
    }
}
