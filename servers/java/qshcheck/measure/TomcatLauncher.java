package qshcheck.measure;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * Embedded Tomcat, one server per context path given, each on an ephemeral port of 127.0.0.1.
 *
 * <p>Usage: {@code TomcatLauncher stock|utf8|jira WORKDIR CONTEXT...}, where a CONTEXT is a
 * decoded context path ({@code ""} for the root, {@code /wiki}, {@code /my app}). A server for a
 * non-root context also has a root context, which answers what the host would route elsewhere
 * ({@code /wikipedia/x} next to {@code /wiki}); each base path gets a server of its own so that
 * no context takes requests meant for another. {@code stock} keeps Tomcat's settings;
 * {@code utf8} puts {@link Utf8RequestFilter} in front of the servlet; {@code jira} does that
 * and also relaxes the connector's path and query characters as Jira's {@code server.xml} does
 * ({@link #JIRA_RELAXED_PATH_CHARS}). Prints one JSON line with the ports, in the order of the
 * contexts, and exits when stdin closes.
 */
public final class TomcatLauncher {
    /**
     * The HTTP connector's {@code relaxedPathChars} and {@code relaxedQueryChars} of the
     * {@code conf/server.xml} Jira ships (Jira Software 7.13 and 8.13 alike:
     * {@code relaxedPathChars="[]|"
     * relaxedQueryChars="[]|{}^&#x5c;&#x60;&quot;&lt;&gt;"}; Atlassian's Docker image writes the
     * same characters). Products send {@code a[]=1} raw, which stock Tomcat answers 400 to; with
     * these, Jira's Tomcat hands such requests to the application, and the canonical request of
     * what it then parses is what a Jira server computes.
     */
    static final String JIRA_RELAXED_PATH_CHARS = "[]|";

    /** See {@link #JIRA_RELAXED_PATH_CHARS}: the XML entities decoded. */
    static final String JIRA_RELAXED_QUERY_CHARS = "[]|{}^\\`\"<>";

    private TomcatLauncher() {}

    public static void main(String[] args) {
        if (args.length < 3 || !List.of("stock", "utf8", "jira").contains(args[0])) {
            System.err.println("usage: TomcatLauncher stock|utf8|jira WORKDIR CONTEXT...");
            System.exit(2);
        }
        Launcher.watch();
        Logger.getLogger("").setLevel(Level.WARNING);
        boolean jira = args[0].equals("jira");
        boolean utf8 = jira || args[0].equals("utf8");
        File work = new File(args[1]);
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 2; i < args.length; i++) {
                ports.add(start(new File(work, "tomcat" + (i - 2)), args[i], utf8, jira));
            }
        } catch (LifecycleException | RuntimeException e) {
            Launcher.fail(e);
        }
        Launcher.ready(ServerInfo.getServerInfo(), ServerInfo.getServerNumber(), ports);
    }

    private static int start(File base, String contextPath, boolean utf8, boolean jira)
            throws LifecycleException {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        if (jira) {
            // setProperty answers false for a name the protocol handler does not know: a
            // configuration that silently stayed stock would be measured under Jira's name.
            if (!connector.setProperty("relaxedPathChars", JIRA_RELAXED_PATH_CHARS)
                    || !connector.setProperty("relaxedQueryChars", JIRA_RELAXED_QUERY_CHARS)) {
                throw new IllegalStateException("the connector does not take relaxed characters");
            }
        }
        tomcat.setConnector(connector); // also adds it to the service
        addContext(tomcat, base, "", utf8);
        if (!contextPath.isEmpty()) {
            addContext(tomcat, base, contextPath, utf8);
        }
        tomcat.start();
        return connector.getLocalPort();
    }

    private static void addContext(Tomcat tomcat, File base, String path, boolean utf8) {
        File docBase = new File(base, path.isEmpty() ? "root" : "context");
        docBase.mkdirs();
        Context context = tomcat.addContext(path, docBase.getAbsolutePath());
        // Tomcat names a context's work folder after its path; a base path of thousands of
        // characters would be a file name longer than any file system allows.
        File work = new File(base, path.isEmpty() ? "work-root" : "work-context");
        ((StandardContext) context).setWorkDir(work.getAbsolutePath());
        if (utf8) {
            FilterDef def = new FilterDef();
            def.setFilterName("utf8");
            def.setFilter(new Utf8RequestFilter());
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("utf8");
            map.addURLPatternDecoded("/*");
            context.addFilterMap(map);
        }
        Tomcat.addServlet(context, "canonical", new CanonicalServlet());
        // "/*" rather than "/": the context root itself (/wiki) then reaches the servlet, with
        // an empty servlet path, instead of the default servlet's redirect to /wiki/.
        context.addServletMappingDecoded("/*", "canonical");
    }
}
