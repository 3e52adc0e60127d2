// Minimal launcher of an embedded Solr 9 (Jetty 10) for the tests and for development.
// Usage: java -cp 'lib/*' Launch.java <solr home> <port|0> [--forever]
// Prints "SOLR_READY port=N" once the cores are loaded, then:
//  - by default, reads standard input and stops Solr at its end (EOF);
//  - with --forever, blocks without reading standard input (stopped by SIGTERM/Ctrl-C).
import java.io.File;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class Launch {
  public static void main(String[] args) throws Exception {
    boolean forever = false;
    java.util.List<String> pos = new java.util.ArrayList<>();
    for (String a : args) {
      if (a.equals("--forever")) forever = true; else pos.add(a);
    }
    if (pos.size() != 2) {
      System.err.println("usage: Launch <solr home> <port|0> [--forever]");
      System.exit(2);
    }
    String home = new File(pos.get(0)).getAbsolutePath();
    int port = Integer.parseInt(pos.get(1));
    JettyConfig config = JettyConfig.builder().setPort(port).stopAtShutdown(true).build();
    JettySolrRunner solr = new JettySolrRunner(home, new Properties(), config);
    solr.start();
    System.out.println("SOLR_READY port=" + solr.getLocalPort());
    System.out.flush();
    if (forever) {
      new CountDownLatch(1).await(); // SIGTERM: Jetty's shutdown hook closes the cores
    }
    while (System.in.read() != -1) {
      // what is written is ignored; only the end of the input matters
    }
    solr.stop();
    System.exit(0);
  }
}
