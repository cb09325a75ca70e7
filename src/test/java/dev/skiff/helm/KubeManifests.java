package dev.skiff.helm;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Collections;

/**
 * Rendered manifests read into the fabric8 Kubernetes model, which checks every field's type. A
 * field the model does not know lands in an {@code additionalProperties} map instead of failing;
 * {@link #unknownFields} finds those, so a misspelled field is caught too.
 */
final class KubeManifests {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final List<HasMetadata> objects;

  private KubeManifests(List<HasMetadata> objects) {
    this.objects = objects;
  }

  static KubeManifests parse(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        continue;
      }
      Object o = SERIALIZATION.unmarshal(doc);
      if (!(o instanceof HasMetadata h)) {
        throw new IllegalArgumentException("not a Kubernetes object: " + o + "\n" + doc);
      }
      out.add(h);
    }
    return new KubeManifests(out);
  }

  List<HasMetadata> all() {
    return objects;
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    if (found.size() > 1) {
      throw new AssertionError("more than one " + type.getSimpleName() + ": " + found);
    }
    return found.stream().findFirst();
  }

  <T extends HasMetadata> T get(Class<T> type) {
    return find(type).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + kinds()));
  }

  List<String> kinds() {
    return objects.stream().map(HasMetadata::getKind).toList();
  }

  /** Paths of every field the Kubernetes model did not recognise, e.g. {@code DaemonSet.spec.replicaz}. */
  List<String> unknownFields() {
    List<String> found = new ArrayList<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (HasMetadata o : objects) {
      walk(o, o.getKind(), found, seen);
    }
    return found;
  }

  private static void walk(Object o, String path, List<String> found, Set<Object> seen) {
    if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>
        || !seen.add(o)) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) {
        walk(item, path + "[" + i++ + "]", found, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, found, seen));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : o.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(o);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(getter.toString(), e);
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> found.add(path + "." + k));
        }
        continue;
      }
      String field = getter.getName().substring(3);
      walk(value, path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1), found, seen);
    }
  }
}
