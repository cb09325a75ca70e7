package dev.skiff.image.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme ({@code bearer},
 * {@code basic}, lowercased) and its parameters, e.g. {@code Bearer
 * realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"}.
 */
public record AuthChallenge(String scheme, Map<String, String> params) {
  public AuthChallenge {
    params = Map.copyOf(params);
  }

  public String param(String name) {
    return params.get(name);
  }

  /** Parses every challenge of every header value; unparseable input yields what could be read. */
  public static List<AuthChallenge> parse(List<String> headerValues) {
    List<AuthChallenge> out = new ArrayList<>();
    for (String v : headerValues) {
      parseOne(v, out);
    }
    return out;
  }

  private static void parseOne(String s, List<AuthChallenge> out) {
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',')) {
        i++;
      }
      int start = i;
      while (i < n && s.charAt(i) != ' ' && s.charAt(i) != ',') {
        i++;
      }
      if (start == i) {
        return;
      }
      String scheme = s.substring(start, i).toLowerCase(Locale.ROOT);
      Map<String, String> params = new LinkedHashMap<>();
      while (true) {
        int save = i;
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',')) {
          i++;
        }
        int ks = i;
        while (i < n && s.charAt(i) != '=' && s.charAt(i) != ' ' && s.charAt(i) != ',') {
          i++;
        }
        if (i >= n || s.charAt(i) != '=' || ks == i) {
          i = save; // not a parameter: the next challenge's scheme (or the end)
          break;
        }
        String key = s.substring(ks, i).toLowerCase(Locale.ROOT);
        i++;
        StringBuilder value = new StringBuilder();
        if (i < n && s.charAt(i) == '"') {
          i++;
          while (i < n && s.charAt(i) != '"') {
            if (s.charAt(i) == '\\' && i + 1 < n) {
              i++;
            }
            value.append(s.charAt(i++));
          }
          i++;
        } else {
          while (i < n && s.charAt(i) != ',' && s.charAt(i) != ' ') {
            value.append(s.charAt(i++));
          }
        }
        params.put(key, value.toString());
      }
      out.add(new AuthChallenge(scheme, params));
      if (i == start) {
        return;
      }
    }
  }
}
