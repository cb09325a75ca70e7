package dev.skiff.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP over the daemon's unix socket with the real curl client ({@code curl --unix-socket}), as a
 * user of the test's choosing. Bodies are sent without a Content-Type, as podman-remote does.
 */
final class Curl {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Response(int status, Map<String, String> headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("response is not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final Path socket;
  private TestUser user = TestUser.ROOT;
  private final List<String> extraHeaders = new ArrayList<>();

  Curl(Path socket) {
    this.socket = socket;
  }

  Curl as(TestUser u) {
    Curl c = new Curl(socket);
    c.user = u;
    c.extraHeaders.addAll(extraHeaders);
    return c;
  }

  Curl header(String h) {
    Curl c = as(user);
    c.extraHeaders.add(h);
    return c;
  }

  Response get(String path) {
    return request("GET", path, null);
  }

  Response head(String path) {
    return request("HEAD", path, null);
  }

  Response post(String path, String body) {
    return request("POST", path, body);
  }

  Response delete(String path) {
    return request("DELETE", path, null);
  }

  Response request(String method, String path, String body) {
    Exec.Result r = raw(method, path, body);
    if (r.exit() != 0) {
      throw new AssertionError("curl " + method + " " + path + " failed (" + r.exit() + "): " + r.stderr());
    }
    return parse(r.stdout());
  }

  /** Runs curl and returns its process result without interpreting it (for connection failures). */
  Exec.Result raw(String method, String path, String body) {
    List<String> cmd = Exec.cmd("curl", "-sS", "-i", "--max-time", "30", "--unix-socket", socket.toString(),
        "-H", "Content-Type:");
    if (method.equals("HEAD")) {
      cmd.add("-I");
    } else {
      cmd.addAll(List.of("-X", method));
    }
    for (String h : extraHeaders) {
      cmd.addAll(List.of("-H", h));
    }
    if (body != null) {
      cmd.addAll(List.of("--data-binary", "@-"));
    }
    cmd.add("http://d" + path);
    return Exec.run(Exec.as(user, cmd), body == null ? null : body.getBytes(StandardCharsets.UTF_8), 60);
  }

  private static Response parse(String raw) {
    int split = raw.indexOf("\r\n\r\n");
    String head = split < 0 ? raw : raw.substring(0, split);
    String body = split < 0 ? "" : raw.substring(split + 4);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    return new Response(status, headers, body);
  }
}
