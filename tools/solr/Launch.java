// Lanceur minimal d'un Solr 9 embarqué (Jetty 10) pour les tests et le développement.
// Usage : java -cp 'lib/*' Launch.java <solr home> <port|0> [--forever]
// Affiche « SOLR_READY port=N » une fois les cœurs chargés, puis :
//  - par défaut, lit l'entrée standard et arrête Solr à sa fin (EOF) ;
//  - avec --forever, bloque sans lire l'entrée standard (arrêt par SIGTERM/Ctrl-C).
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
      new CountDownLatch(1).await(); // SIGTERM : le hook d'arrêt de Jetty ferme les cœurs
    }
    while (System.in.read() != -1) {
      // on ignore ce qui est écrit ; seule la fin de l'entrée compte
    }
    solr.stop();
    System.exit(0);
  }
}
