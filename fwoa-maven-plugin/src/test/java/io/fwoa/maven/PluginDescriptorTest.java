package io.fwoa.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Maven conventions, read from the generated plugin descriptor. */
class PluginDescriptorTest {

  private static List<Element> mojos() throws Exception {
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(Path.of("target/classes/META-INF/maven/plugin.xml").toFile());
    NodeList nodes = doc.getElementsByTagName("mojo");
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add((Element) nodes.item(i));
    }
    return out;
  }

  private static String child(Element e, String name) {
    NodeList l = e.getElementsByTagName(name);
    return l.getLength() == 0 ? null : l.item(0).getTextContent().trim();
  }

  @Test
  void theDeployGoalsExistAreThreadSafeAndEveryParameterHasAFwoaProperty() throws Exception {
    List<String> goals = new ArrayList<>();
    for (Element mojo : mojos()) {
      String goal = child(mojo, "goal");
      goals.add(goal);
      if ("help".equals(goal)) {
        continue;
      }
      assertThat(child(mojo, "threadSafe")).as(goal + " threadSafe").isEqualTo("true");
      Element configuration = (Element) mojo.getElementsByTagName("configuration").item(0);
      NodeList params = mojo.getElementsByTagName("parameter");
      for (int i = 0; i < params.getLength(); i++) {
        Element p = (Element) params.item(i);
        if (!"true".equals(child(p, "editable"))) {
          continue;
        }
        String name = child(p, "name");
        NodeList conf = configuration.getElementsByTagName(name);
        assertThat(conf.getLength()).as(goal + " " + name + " has an expression").isEqualTo(1);
        assertThat(conf.item(0).getTextContent()).as(goal + " " + name).startsWith("${fwoa.");
      }
    }
    assertThat(goals).contains("deploy", "diff", "destroy", "info", "synth", "help", "provision-user", "dashboards-user");
  }
}
